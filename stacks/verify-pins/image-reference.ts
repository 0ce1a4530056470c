/**
 * Image references, normalised as Docker normalises them (distribution/reference, normalize.go
 * `splitDockerDomain`): without a registry host the image is on docker.io, a single path segment there
 * means `library/<name>`, and index.docker.io is docker.io. Docker Hub's API host is registry-1.docker.io.
 */
import { IMAGE_PATH, IMAGE_TAG_FORMAT, imageRegistry } from '../../constructs/formats.js';

/** What a registry is asked for: `GET /v2/<repository>/manifests/<reference>` on `apiHost`. */
export interface ImageReference {
  /** The registry as people name it: "docker.io", "ghcr.io", "localhost:5000". */
  readonly registry: string;
  /** The host that serves the registry API: "registry-1.docker.io" for docker.io, else `registry`. */
  readonly apiHost: string;
  /** The repository name in the registry: "library/node", "ollama/ollama", "a/b". */
  readonly repository: string;
  /** The tag, or the digest when the reference has one (a digest wins over a tag, as in `docker pull`). */
  readonly reference: string;
}

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_LEGACY = 'index.docker.io';
export const DOCKER_HUB_API = 'registry-1.docker.io';

const DIGEST = /^[A-Za-z0-9_+.-]+:[A-Fa-f0-9]{32,}$/;

/** The API host of a registry: Docker Hub's differs from its name. */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB || registry === DOCKER_HUB_LEGACY ? DOCKER_HUB_API : registry;
}

/** Parses "node:24-alpine", "ghcr.io/a/b:v1", "x/y@sha256:..."; throws with the reason on anything else. */
export function parseImageReference(image: string): ImageReference {
  const at = image.indexOf('@');
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const named = at === -1 ? image : image.slice(0, at);
  if (digest !== undefined && !DIGEST.test(digest)) throw new Error(`"${image}" has an invalid digest "${digest}" (expected algorithm:hex, e.g. sha256:...)`);

  const host = imageRegistry(named);
  const registry = host === undefined || host === DOCKER_HUB_LEGACY ? DOCKER_HUB : host;
  let remainder = host === undefined ? named : named.slice(host.length + 1);

  // The tag is after the last ":" of the path (a ":" before it belongs to the host's port).
  const colon = remainder.lastIndexOf(':');
  const tag = colon > remainder.lastIndexOf('/') ? remainder.slice(colon + 1) : undefined;
  if (tag !== undefined) remainder = remainder.slice(0, colon);
  if (tag !== undefined && !IMAGE_TAG_FORMAT.test(tag)) throw new Error(`"${image}" has an invalid tag "${tag}"`);
  if (registry === DOCKER_HUB && !remainder.includes('/')) remainder = `library/${remainder}`;
  if (!IMAGE_PATH.test(remainder)) throw new Error(`"${image}" has an invalid repository name "${remainder}" (lowercase path components separated by "/")`);
  if (digest === undefined && tag === undefined) throw new Error(`"${image}" has neither a tag nor a digest: it pins nothing`);

  return { registry, apiHost: registryApiHost(registry), repository: remainder, reference: digest ?? tag! };
}
