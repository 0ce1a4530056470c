import { describe, expect, it } from '@jest/globals';
import { parseImageReference } from '../../../stacks/verify-pins/image-reference.js';

describe('parseImageReference', () => {
  it.each([
    ['node:24-alpine', { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'library/node', reference: '24-alpine' }],
    ['ollama/ollama:0.21.0', { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'ollama/ollama', reference: '0.21.0' }],
    ['docker.io/uhlenheide/opnsense-mcp-server:0.3.5', { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'uhlenheide/opnsense-mcp-server', reference: '0.3.5' }],
    ['index.docker.io/library/busybox:1.37', { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'library/busybox', reference: '1.37' }],
    ['ghcr.io/a/b:v1', { registry: 'ghcr.io', apiHost: 'ghcr.io', repository: 'a/b', reference: 'v1' }],
    ['localhost:5000/team/app:1.0.0', { registry: 'localhost:5000', apiHost: 'localhost:5000', repository: 'team/app', reference: '1.0.0' }],
    ['localhost/app:1', { registry: 'localhost', apiHost: 'localhost', repository: 'app', reference: '1' }],
  ])('normalises %s as Docker does', (image, expected) => {
    expect(parseImageReference(image)).toEqual(expected);
  });

  it('uses the digest of an image pinned by digest, over its tag as docker pull does', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`busybox@${digest}`)).toEqual({ registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'library/busybox', reference: digest });
    expect(parseImageReference(`ghcr.io/a/b:v1@${digest}`).reference).toBe(digest);
  });

  it('rejects references that pin nothing or are malformed, saying why', () => {
    expect(() => parseImageReference('ghcr.io/a/b')).toThrow('"ghcr.io/a/b" has neither a tag nor a digest: it pins nothing');
    expect(() => parseImageReference('ghcr.io/A/b:1')).toThrow('"ghcr.io/A/b:1" has an invalid repository name "A/b" (lowercase path components separated by "/")');
    expect(() => parseImageReference('node@sha256:xyz')).toThrow('"node@sha256:xyz" has an invalid digest "sha256:xyz" (expected algorithm:hex, e.g. sha256:...)');
  });
});
