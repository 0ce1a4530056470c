import { describe, expect, it } from '@jest/globals';
import { gib, isPinnedImage, parseQuantity } from '../../constructs/formats.js';

describe('parseQuantity', () => {
  it.each([
    ['512Mi', 512 * 2 ** 20],
    ['4Gi', 4 * 2 ** 30],
    ['1.5G', 1.5e9],
    ['500m', 0.5],
    ['2', 2],
    ['.5Ki', 512],
  ])('reads %s', (quantity, value) => {
    expect(parseQuantity(quantity)).toBe(value);
  });

  it.each(['4GB', '-1Gi', 'Gi', ''])('rejects %j, saying what a quantity looks like', (quantity) => {
    expect(() => parseQuantity(quantity)).toThrow(`"${quantity}" is not a Kubernetes quantity such as "500m", "512Mi" or "4Gi"`);
  });

  it('prints bytes as GiB with one decimal', () => {
    expect(gib(3.25 * 2 ** 30)).toBe('3.3 GiB');
  });
});

describe('isPinnedImage', () => {
  it.each(['vllm/vllm-openai:v0.15.1', 'registry.lan:5000/team/app:1.2.3', `ghcr.io/x/y@sha256:${'a'.repeat(64)}`, `ghcr.io/x/y:1.0@sha256:${'b'.repeat(64)}`])(
    'accepts %s',
    (image) => expect(isPinnedImage(image)).toBe(true),
  );

  it.each(['vllm/vllm-openai', 'vllm/vllm-openai:latest', 'registry.lan:5000/team/app', 'ghcr.io/x/y@sha256:short', 'has space:1'])('rejects %s', (image) =>
    expect(isPinnedImage(image)).toBe(false),
  );
});
