/**
 * The bearer-token check of the discovery API's write endpoints (`requireBearer`), on a bare fastify app
 * with one guarded route: which answer each header gets, and that the route runs only with the exact token.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { requireBearer } from '../../../services/discovery/src/http/routes/auth.js';

const TOKEN = 's3cret-Token-0123456789';
const DISABLED = { error: 'write endpoints are disabled: set DISCOVERY_API_TOKEN to enable them' };
const UNAUTHORIZED = { error: 'a valid bearer token is required' };

/** An app whose POST /write answers 200 { wrote: true } once the check lets it through. */
async function guarded(token: string | undefined): Promise<{ app: FastifyInstance; writes: () => number }> {
  let writes = 0;
  const app = Fastify({ logger: false });
  app.post('/write', { onRequest: requireBearer(token) }, async () => {
    writes++;
    return { wrote: true };
  });
  await app.ready();
  return { app, writes: () => writes };
}

const post = (app: FastifyInstance, authorization?: string) =>
  app.inject({ method: 'POST', url: '/write', headers: authorization === undefined ? {} : { authorization } });

describe('requireBearer with a token', () => {
  let app: FastifyInstance;
  let writes: () => number;

  beforeAll(async () => {
    ({ app, writes } = await guarded(TOKEN));
  });
  afterAll(async () => {
    await app.close();
  });

  it.each([
    ['the exact token', `Bearer ${TOKEN}`],
    ['the scheme in lower case', `bearer ${TOKEN}`],
    ['the scheme in upper case', `BEARER ${TOKEN}`],
  ])('lets %s through to the route', async (_case, authorization) => {
    const before = writes();

    const response = await post(app, authorization);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ wrote: true });
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(writes()).toBe(before + 1);
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty Authorization header', ''],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['the token without a scheme', TOKEN],
    ['the token in another scheme', `Basic ${TOKEN}`],
    ['the scheme after other text', `xBearer ${TOKEN}`],
    ['two spaces after the scheme', `Bearer  ${TOKEN}`],
    ['a token that differs in its last character', `Bearer ${TOKEN.slice(0, -1)}8`],
    ['a token that differs in its first character', `Bearer S${TOKEN.slice(1)}`],
    ['a token in another case', `Bearer ${TOKEN.toUpperCase()}`],
    ['a token one character short', `Bearer ${TOKEN.slice(0, -1)}`],
    ['a token one character long', `Bearer ${TOKEN}9`],
    ['the token twice', `Bearer ${TOKEN}${TOKEN}`],
    ['a one-character token', 'Bearer s'],
    // Node's HTTP parser refuses a line break in a header; the check does not rely on it: the token is the whole rest.
    ['the token and then a line break', `Bearer ${TOKEN}\nX-Other: 1`],
  ])('answers 401 with a Bearer challenge to %s, and the route does not run', async (_case, authorization) => {
    const before = writes();

    const response = await post(app, authorization);

    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toEqual(UNAUTHORIZED);
    expect(writes()).toBe(before);
  });
});

describe('requireBearer with a one-character token', () => {
  it('accepts exactly that character and refuses a longer token starting with it', async () => {
    const { app, writes } = await guarded('k');
    try {
      expect((await post(app, 'Bearer k')).statusCode).toBe(200);
      expect((await post(app, 'Bearer kk')).statusCode).toBe(401);
      expect(writes()).toBe(1);
    } finally {
      await app.close();
    }
  });
});

describe('requireBearer without a token', () => {
  it.each([
    ['no token', undefined],
    ['an empty token', ''],
  ])('with %s answers 403 naming DISCOVERY_API_TOKEN, with no challenge, whatever the header', async (_case, token) => {
    const { app, writes } = await guarded(token);
    try {
      for (const authorization of [undefined, 'Bearer ', `Bearer ${TOKEN}`]) {
        const response = await post(app, authorization);

        expect(response.statusCode).toBe(403);
        expect(response.json()).toEqual(DISABLED);
        expect(response.headers['www-authenticate']).toBeUndefined();
      }
      expect(writes()).toBe(0);
    } finally {
      await app.close();
    }
  });
});
