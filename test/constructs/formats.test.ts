import { describe, expect, it } from '@jest/globals';
import { gib, imageProblem, isPinnedImage, parseQuantity, urlCredentialsProblem } from '../../constructs/formats.js';

describe('parseQuantity', () => {
  it.each([
    ['512Mi', 512 * 2 ** 20],
    ['4Gi', 4 * 2 ** 30],
    ['1.5G', 1.5e9],
    ['500m', 0.5],
    ['2', 2],
    ['.5Ki', 512],
    ['1e8', 1e8],
    ['5E-3', 5e-3],
    ['1E', 1e18],
    ['2.', 2],
    ['1u', 1e-6],
    ['1n', 1e-9],
  ])('reads %s', (quantity, value) => {
    expect(parseQuantity(quantity)).toBe(value);
  });

  it.each(['4GB', '-1Gi', 'Gi', '', '1e', '1e1.5', '1Ki2', '.', '1 Gi'])('rejects %j, saying what a quantity looks like', (quantity) => {
    expect(() => parseQuantity(quantity)).toThrow(`"${quantity}" is not a Kubernetes quantity such as "500m", "512Mi" or "4Gi"`);
  });

  it('prints bytes as GiB with one decimal', () => {
    expect(gib(3.25 * 2 ** 30)).toBe('3.3 GiB');
  });
});

describe('isPinnedImage', () => {
  it.each([
    'vllm/vllm-openai:v0.15.1',
    'registry.lan:5000/team/app:1.2.3',
    'localhost/app:1',
    '[fd00::1]:5000/app:1',
    'Registry.LAN/team/app:1',
    'ghcr.io/a__b/c-d--e.f_g:1.0_RC-1',
    `ghcr.io/x/y@sha256:${'a'.repeat(64)}`,
    `ghcr.io/x/y:1.0@sha256:${'b'.repeat(64)}`,
    `ghcr.io/x/y:latest@sha256:${'c'.repeat(64)}`,
  ])('accepts %s', (image) => expect(isPinnedImage(image)).toBe(true));

  it.each(['vllm/vllm-openai', 'vllm/vllm-openai:latest', 'registry.lan:5000/team/app', 'ghcr.io/x/y@sha256:short', 'has space:1'])('rejects %s', (image) =>
    expect(isPinnedImage(image)).toBe(false),
  );
});

describe('imageProblem', () => {
  const GRAMMAR =
    'is not an image reference kubelet accepts: an optional registry host, then a lowercase repository path (letters a-z, digits, ".", "_" and "-"), then ":tag" or "@sha256:<digest>", e.g. "ghcr.io/org/app:1.2.0"';

  // Each of these breaks one production of distribution/reference's grammar (regexp.go).
  it.each([
    ['an uppercase repository path', 'GHCR.io/X/Y:1.0.0'],
    ['an uppercase one-part name', 'Nginx:1.27'],
    ['a character outside the grammar', 'ghcr.io/x/y$:1.0.0'],
    ['a path component ending in a separator', 'ghcr.io/x-/y:1'],
    ['two dots in a row', 'ghcr.io/x..y:1'],
    ['an empty path component', 'ghcr.io//y:1'],
    ['a registry host ending in "-"', 'reg-.lan/x:1'],
    ['a tag starting with "."', 'ghcr.io/x:.1'],
    ['a tag of 129 characters', `ghcr.io/x:${'1'.repeat(129)}`],
    ['a digest other than sha256', `ghcr.io/x@sha512:${'a'.repeat(128)}`],
    ['an uppercase digest', `ghcr.io/x@sha256:${'A'.repeat(64)}`],
    ['a registry port that is not a number', 'reg.lan:http/x:1'],
  ])('refuses %s', (_, image) => expect(imageProblem(image)).toBe(GRAMMAR));

  it('accepts a tag of 128 characters', () => expect(imageProblem(`ghcr.io/x:${'1'.repeat(128)}`)).toBeUndefined());

  it('counts the docker.io/library/ prefix kubelet adds toward the 255-character name limit', () => {
    const name = 'a'.repeat(255 - 'docker.io/library/'.length);
    expect(imageProblem(`${name}:1`)).toBeUndefined();
    expect(imageProblem(`${name}a:1`)).toBe(`has a repository name of 256 characters (docker.io/library/${name}a); the limit is 255`);
    expect(imageProblem(`org/${'b'.repeat(255 - 'docker.io/org/'.length + 1)}:1`)).toMatch(/^has a repository name of 256 characters/);
  });

  it('counts a registry name as it is', () => {
    const path = 'c'.repeat(255 - 'ghcr.io/'.length);
    expect(imageProblem(`ghcr.io/${path}:1`)).toBeUndefined();
    expect(imageProblem(`ghcr.io/${path}c:1`)).toMatch(/^has a repository name of 256 characters/);
  });

  it('asks for a pin when there is neither tag nor digest', () => {
    expect(imageProblem('ghcr.io/x/y')).toBe('must be pinned to a version tag or digest, e.g. "ghcr.io/org/app:1.2.0"');
  });

  it('refuses the latest tag without a digest', () => {
    expect(imageProblem('ghcr.io/x/y:latest')).toBe('must not use the latest tag: pin a version so every node runs the same code');
  });
});

describe('urlCredentialsProblem', () => {
  it.each(['https://user:pass@github.com/me/repo.git', 'https://ghp_token@github.com/me/repo.git', 'http://:secret@host/x', 'ssh://git:pw@github.com/me/repo.git'])('refuses %s', (url) => {
    expect(urlCredentialsProblem(url)).toBe('must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is');
  });

  it.each(['https://github.com/me/repo.git', 'ssh://git@github.com/me/repo.git', 'git@github.com:me/repo.git', 'not a url', 'https://auth.lan/certs?user=x'])('passes %s', (url) => {
    expect(urlCredentialsProblem(url)).toBeUndefined();
  });
});
