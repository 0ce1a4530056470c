import { describe, expect, it } from '@jest/globals';
import { pinnedImage } from '../../../../constructs/policy/rules/pinned-image.js';
import { compliantContainer, compliantDeployment, without } from '../../../support/manifests.js';

const check = (image: string) => pinnedImage.check(compliantDeployment({ container: { image } }), { objects: [] });

describe('pinned image rule', () => {
  it.each(['ghcr.io/example/app:1.2.3', 'localhost:5000/app:v1', `ghcr.io/example/app@sha256:${'a'.repeat(64)}`])('accepts %s', (image) => {
    expect(check(image)).toEqual({ status: 'compliant' });
  });

  it('rejects an image without a tag, even behind a registry port', () => {
    expect(check('localhost:5000/app')).toEqual({ status: 'non-compliant', reasons: ['container "app" image "localhost:5000/app" has no tag'] });
  });

  it('rejects the latest tag', () => {
    expect(check('nginx:latest')).toEqual({ status: 'non-compliant', reasons: ['container "app" image "nginx:latest" uses the latest tag'] });
  });

  it.each(['GHCR.io/Example/App:1.0.0', 'ghcr.io/example/app$:1.0.0', 'ghcr.io/example/app:1.0.0@sha256:short'])('rejects %s, which kubelet refuses as InvalidImageName', (image) => {
    expect(check(image)).toEqual({
      status: 'non-compliant',
      reasons: [`container "app" image "${image}" is not a reference kubelet accepts (InvalidImageName): a lowercase repository path, then ":tag" or "@sha256:<digest>"`],
    });
  });

  it('reports an invalid reference without a tag once, as invalid', () => {
    expect(check('Nginx')).toEqual({
      status: 'non-compliant',
      reasons: ['container "app" image "Nginx" is not a reference kubelet accepts (InvalidImageName): a lowercase repository path, then ":tag" or "@sha256:<digest>"'],
    });
  });

  it('reports a container without an image as an empty, invalid reference', () => {
    const deployment = compliantDeployment({ podSpec: { containers: [without(compliantContainer(), 'image')] } });
    expect(pinnedImage.check(deployment, { objects: [] })).toEqual({
      status: 'non-compliant',
      reasons: ['container "app" image "" is not a reference kubelet accepts (InvalidImageName): a lowercase repository path, then ":tag" or "@sha256:<digest>"'],
    });
  });

  it('accepts a tag and a digest together, and a tag named like latest', () => {
    expect(check(`ghcr.io/example/app:latest@sha256:${'0'.repeat(64)}`)).toEqual({ status: 'compliant' });
    expect(check('ghcr.io/example/app:latest-1.2')).toEqual({ status: 'compliant' });
  });

  it('rejects an untagged image on a registry with a port but no path', () => {
    expect(check('registry.example.com:5000/app')).toEqual({ status: 'non-compliant', reasons: ['container "app" image "registry.example.com:5000/app" has no tag'] });
    expect(check('nginx')).toEqual({ status: 'non-compliant', reasons: ['container "app" image "nginx" has no tag'] });
  });

  it('checks every container, init containers included', () => {
    const deployment = compliantDeployment({ podSpec: { initContainers: [compliantContainer({ name: 'migrate', image: 'ghcr.io/example/migrate' })] } });
    expect(pinnedImage.check(deployment, { objects: [] })).toEqual({ status: 'non-compliant', reasons: ['init container "migrate" image "ghcr.io/example/migrate" has no tag'] });
  });

  it('is an error, not a warning', () => {
    expect(pinnedImage.level).toBe('error');
  });

  it('does not apply to objects without pods', () => {
    expect(pinnedImage.check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, { objects: [] })).toEqual({ status: 'not-applicable' });
  });
});
