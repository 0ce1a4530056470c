import { describe, expect, it } from '@jest/globals';
import type { PinResult } from '../../../stacks/verify-pins/pins.js';
import { networkNote, retryAfterSeconds } from '../../../stacks/verify-pins/registry-http.js';
import { exitCodeOf, formatResults, summarize } from '../../../stacks/verify-pins/verify-pins.js';

const result = (artifact: string, kind: PinResult['kind'], status: PinResult['status'], registry: string, extra: Partial<PinResult> = {}): PinResult => ({
  artifact, kind, status, registry, usedBy: [`app/Deployment ${artifact.split(/[:@ ]/)[0].split('/').pop()}`], note: status === 'exists' ? 'OCI image manifest' : 'why', ...extra,
});

describe('deciding the outcome', () => {
  it('exits 0 when everything exists, 1 when something is MISSING, 3 when anything was unreachable', () => {
    const present = result('ghcr.io/a/b:1', 'image', 'exists', 'ghcr.io');
    const absent = result('ghcr.io/a/c:1', 'image', 'MISSING', 'ghcr.io');
    const unknown = result('node:24', 'image', 'unreachable', 'docker.io');
    expect(exitCodeOf([present])).toBe(0);
    expect(exitCodeOf([present, absent])).toBe(1);
    expect(exitCodeOf([present, absent, unknown])).toBe(3);
  });

  it('says plainly that an incomplete check is not a pass, naming the registries it could not reach', () => {
    const results = [
      result('ghcr.io/a/b:1', 'image', 'unreachable', 'ghcr.io'),
      result('node:24', 'image', 'unreachable', 'docker.io'),
      result('ghcr.io/a/c:1', 'image', 'unreachable', 'ghcr.io'),
      result('x@1.0.0', 'npm', 'MISSING', 'registry.npmjs.org'),
    ];
    expect(summarize(results)).toMatchObject({
      exitCode: 3,
      unreachableRegistries: ['ghcr.io', 'docker.io'],
      text: '4 artifact(s): 0 exist, 1 MISSING, 3 unreachable. Incomplete: could not reach 2 registries: ghcr.io, docker.io — this is not a pass',
    });
  });

  it('prints a table sorted by kind then artifact, one line per user, then the summary', () => {
    const table = formatResults([
      result('supergateway@4.0.0', 'npm', 'exists', 'registry.npmjs.org', { digest: 'sha512-abc', note: 'dist.integrity', usedBy: ['mcp/Deployment a (install)', 'mcp/Deployment b (install)'] }),
      result('ghcr.io/kagent-dev/kmcp/helm/kmcp:0.3.0', 'chart', 'MISSING', 'ghcr.io', { note: 'HTTP 404 Not Found MANIFEST_UNKNOWN: manifest unknown', usedBy: ['bootstrap/helm_release kmcp'] }),
      result('node:24', 'image', 'exists', 'docker.io', { digest: 'sha256:1', note: 'OCI image index (multi-arch)', usedBy: ['mcp/Deployment a (install)'] }),
    ]);
    expect(table).toBe(
      [
        'artifact                                 kind   used by                      result   digest or note',
        '---------------------------------------  -----  ---------------------------  -------  --------------',
        'node:24                                  image  mcp/Deployment a (install)   exists   sha256:1, OCI image index (multi-arch)',
        'ghcr.io/kagent-dev/kmcp/helm/kmcp:0.3.0  chart  bootstrap/helm_release kmcp  MISSING  HTTP 404 Not Found MANIFEST_UNKNOWN: manifest unknown',
        'supergateway@4.0.0                       npm    mcp/Deployment a (install)   exists   sha512-abc, dist.integrity',
        '                                                mcp/Deployment b (install)',
        '',
        '3 artifact(s): 2 exist, 1 MISSING, 0 unreachable. 1 pinned artifact(s) do not exist: fix the pins before anything reaches the cluster',
      ].join('\n'),
    );
  });
});

describe('registry HTTP notes', () => {
  it('names the cause of a network failure as Node reports it', () => {
    const failed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`getaddrinfo ${code} ghcr.io`), { code }) });
    expect(networkNote(failed('ENOTFOUND'), 'ghcr.io', 10_000)).toBe('ENOTFOUND ghcr.io');
    expect(networkNote(failed('CERT_HAS_EXPIRED'), 'ghcr.io', 10_000)).toBe('TLS error CERT_HAS_EXPIRED (ghcr.io)');
    expect(networkNote(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'ghcr.io', 10_000)).toBe('timed out after 10 s (ghcr.io)');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds('3', now)).toBe(3);
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5);
    expect(retryAfterSeconds(null, now)).toBe(1);
  });
});
