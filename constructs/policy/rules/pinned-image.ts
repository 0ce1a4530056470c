import { IMAGE_REFERENCE } from '../../formats.js';
import { RuleIds } from '../rule-ids.js';
import { complianceOf, NOT_APPLICABLE, type PolicyRule } from '../rule.js';
import { containersOf, podTemplateOf } from '../workload.js';

/** The tag of an image reference, or undefined when it has none (a ':' after the last '/' starts it). */
function tagOf(image: string): string | undefined {
  const name = image.split('@')[0];
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  return colon === -1 ? undefined : lastPart.slice(colon + 1);
}

/** Every image names a version: a digest, or a tag that is not `latest`. */
export const pinnedImage: PolicyRule = {
  id: RuleIds.pinnedImage,
  level: 'error',
  description: 'Container images are pinned to a version tag or digest.',
  explanation:
    'An image without a tag, or tagged latest, changes under a running cluster: two nodes run different code and a rollback restores nothing. ' +
    'Pin a version tag (or a sha256 digest).',
  check(manifest) {
    const pod = podTemplateOf(manifest);
    if (!pod) return NOT_APPLICABLE;
    const reasons: string[] = [];
    for (const { container, label } of containersOf(pod.spec)) {
      const image = String(container.image ?? '');
      if (!IMAGE_REFERENCE.test(image)) {
        reasons.push(`${label} image ${JSON.stringify(image)} is not a reference kubelet accepts (InvalidImageName): a lowercase repository path, then ":tag" or "@sha256:<digest>"`);
        continue;
      }
      if (/@sha256:[0-9a-f]{64}$/.test(image)) continue;
      const tag = tagOf(image);
      if (!tag) reasons.push(`${label} image "${image}" has no tag`);
      else if (tag === 'latest') reasons.push(`${label} image "${image}" uses the latest tag`);
    }
    return complianceOf(reasons);
  },
};
