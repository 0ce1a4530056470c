/** An exact chart or image version: no ranges, so every install is reproducible. */
export const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** A DNS-1123 label: namespace names, most object names (at most 63 characters). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1035 label (a Service name): a DNS-1123 label that starts with a letter. */
export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/**
 * A DNS-1123 subdomain (most object names, Secret names, annotation prefixes): dot-separated DNS-1123 labels,
 * at most 253 characters (k8s.io/apimachinery validation.IsDNS1123Subdomain).
 */
/**
 * A folder of a git repository as one spelling only: relative, no empty, "." or ".." part, no trailing "/".
 * "./apps" and "apps" name one folder, so two environments could write to it unseen if both were allowed.
 */
export const REPO_PATH = /^(?!\/)(?!.*\/\/)(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9._/-]+(?<!\/)$/;

/** The package name this library is published under; its `./servers` export is `stacks/servers`. */
export const PACKAGE_NAME = '@mcp-platform/constructs';
/** The import a server file needs when the platform is an installed package rather than this checkout. */
export const PACKAGE_SERVER_FILE_IMPORT = `${PACKAGE_NAME}/servers`;

/**
 * The module a generated server file imports `defineMcpServer` from: a relative ES module specifier ending
 * in `.js` ("../servers.js", "../../stacks/servers.js"), leading "./" or "../" steps only, no quote that could
 * end the string literal it is written into; or the installed package's own export, PACKAGE_SERVER_FILE_IMPORT.
 * No other bare specifier: it would name a package that is not this one.
 */
export const SERVER_FILE_IMPORT = new RegExp(
  `^(?:(?:\\./|(?:\\.\\./)+)(?:[A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*\\.js|${PACKAGE_SERVER_FILE_IMPORT.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')})$`,
);
/** What SERVER_FILE_IMPORT asks for, in the words of every place that checks it. */
export const SERVER_FILE_IMPORT_RULE = `must be a relative module path ending in ".js", such as "../servers.js" (leading "./" or "../" only), or "${PACKAGE_SERVER_FILE_IMPORT}" when the platform is an installed package`;
export const DEFAULT_SERVER_FILE_IMPORT = '../servers.js';

export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A Go duration as time.ParseDuration reads it ("1h", "2h30m", "90s", "0"), unsigned: what external-secrets
 * decodes `refreshInterval` with (its CRD, imports/crds/external-secrets-externalsecret.yaml, types it only as a
 * string, so the API server takes anything and the operator then fails to read the object).
 */
export const GO_DURATION = /^(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;

/**
 * Why `key` cannot be a key of a Secret's or ConfigMap's data, or undefined when it can: at most 253 of
 * letters, digits, "-", "_" and ".", and not "." or "..", nor starting with ".." (a key becomes a file name
 * when the Secret is mounted; k8s.io/apimachinery validation.IsConfigMapKey).
 */
export function secretKeyProblem(key: string): string | undefined {
  if (key.length === 0 || key.length > 253) return 'must be 1 to 253 characters';
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) return 'must contain only letters, digits, "-", "_" and "."';
  if (key === '.' || key === '..' || key.startsWith('..')) return 'must not be "." or "..", nor start with ".." (the key is a file name where the Secret is mounted)';
  return undefined;
}

/** A label key: an optional DNS-subdomain prefix and "/", then a name of at most 63 characters. */
export const LABEL_KEY = /^(?:(?=.{1,253}\/)[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/**
 * Why `name` cannot be the name of an extended resource a container requests (a GPU), or undefined when it
 * can: a qualified name with a vendor domain ("nvidia.com/gpu", "amd.com/gpu"), not a native resource ("cpu",
 * "gpu", anything under kubernetes.io/) and not starting with "requests." (k8s.io/kubernetes
 * pkg/apis/core/helper IsExtendedResourceName and IsNativeResource).
 */
export function extendedResourceProblem(name: string): string | undefined {
  if (!name.includes('/') || !LABEL_KEY.test(name)) return 'must be an extended resource name with the vendor\'s domain, such as "nvidia.com/gpu" or "amd.com/gpu"';
  if (name.includes('kubernetes.io/')) return 'must not be a kubernetes.io/ name: those are native resources, which a device plugin cannot offer; use the vendor\'s name, such as "nvidia.com/gpu"';
  if (name.startsWith('requests.')) return 'must not start with "requests." (the API server keeps that prefix for quota names): use the vendor\'s name, such as "nvidia.com/gpu"';
  return undefined;
}

/** A label value: empty, or at most 63 characters of letters, digits, "-", "_" and ".", starting and ending alphanumeric. */
export const LABEL_VALUE = /^(?:(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/**
 * A Kubernetes quantity, as apimachinery's resource.Quantity reads it (pkg/api/resource/quantity.go): a number
 * ("1", "1.5", "1.", ".5") with an optional decimal suffix (n, u, m, k, M, G, T, P, E), binary suffix (Ki...Ei)
 * or decimal exponent ("1e8", "5E-3"; "1E" is exa). No sign: no amount here is negative.
 */
export const QUANTITY = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[numkMGTPE]|[KMGTPE]i|[eE][+-]?\d+)?$/;

const QUANTITY_FACTORS: Readonly<Record<string, number>> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The value of a quantity ("512Mi" → 536870912); throws on anything that is not one. */
export function parseQuantity(quantity: string): number {
  if (!QUANTITY.test(quantity)) throw new Error(`"${quantity}" is not a Kubernetes quantity such as "500m", "512Mi" or "4Gi"`);
  const [, number, suffix] = /^([\d.]+)(.*)$/.exec(quantity)!;
  const exponent = /^[eE]([+-]?\d+)$/.exec(suffix);
  return Number(number) * (exponent ? 10 ** Number(exponent[1]) : QUANTITY_FACTORS[suffix]!);
}

/** Bytes as GiB with one decimal, for messages. */
export function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/*
 * The image reference grammar kubelet parses with (distribution/reference, regexp.go at 00a09fa and
 * normalize.go at 4ca1403; kubelet's pkg/util/parsers calls ParseNormalizedNamed): an optional registry
 * (host, IPv4 or [IPv6], optional port), then lowercase path components joined by ".", "_", "__" or dashes,
 * then ":tag" and/or "@digest". A reference outside it is refused by kubelet as InvalidImageName.
 */
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const REGISTRY = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const IMAGE_NAME = `(?:${REGISTRY}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const IMAGE_TAG = '[A-Za-z0-9_][A-Za-z0-9._-]{0,127}';
/** A repository path within a registry ("library/node", "org/app"). */
export const IMAGE_PATH = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
/** An image tag ("v1.4.1", "24-alpine"). */
export const IMAGE_TAG_FORMAT = new RegExp(`^${IMAGE_TAG}$`);
/** The longest repository name (registry and path) distribution/reference accepts (NameTotalLengthMax). */
const IMAGE_NAME_MAX = 255;

/** An image reference in that grammar: a name, then an optional ":tag" and an optional sha256 "@digest". */
export const IMAGE_REFERENCE = new RegExp(`^(${IMAGE_NAME})(?::(${IMAGE_TAG}))?(?:@(sha256:[0-9a-f]{64}))?$`);

/**
 * Why kubelet would refuse this image reference or it is not pinned, or undefined when it is a pinned
 * reference: a version tag other than `latest`, or a sha256 digest, so every node runs the same code.
 */
export function imageProblem(image: string): string | undefined {
  const match = IMAGE_REFERENCE.exec(image);
  if (!match) {
    return 'is not an image reference kubelet accepts: an optional registry host, then a lowercase repository path (letters a-z, digits, ".", "_" and "-"), then ":tag" or "@sha256:<digest>", e.g. "ghcr.io/org/app:1.2.0"';
  }
  const [, name, tag, digest] = match;
  // ParseNormalizedNamed puts "docker.io/" (and "library/" for one-part names) in front before the length check.
  const fullName = imageRegistry(name) !== undefined ? name : name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
  if (fullName.length > IMAGE_NAME_MAX) return `has a repository name of ${fullName.length} characters (${fullName}); the limit is ${IMAGE_NAME_MAX}`;
  if (digest === undefined && tag === undefined) return 'must be pinned to a version tag or digest, e.g. "ghcr.io/org/app:1.2.0"';
  if (digest === undefined && tag === 'latest') return 'must not use the latest tag: pin a version so every node runs the same code';
  return undefined;
}

/** `imageProblem` as a message naming the field ("image \"x\" must be pinned ..."), or undefined. */
export function imageFieldProblem(field: string, image: string): string | undefined {
  const problem = imageProblem(image);
  return problem === undefined ? undefined : `${field} ${JSON.stringify(image)} ${problem}`;
}

/**
 * The registry host an image name starts with, or undefined when it has none (it is then on docker.io):
 * normalize.go `splitDockerDomain` takes the first "/" part as a host only when it is "localhost" or has a
 * ".", a ":" or an uppercase letter.
 */
export function imageRegistry(name: string): string | undefined {
  const slash = name.indexOf('/');
  if (slash === -1) return undefined;
  const first = name.slice(0, slash);
  return first === 'localhost' || /[.:]/.test(first) || first !== first.toLowerCase() ? first : undefined;
}

/** Pinned to a tag other than `latest`, or to a digest, in the grammar kubelet accepts. */
export function isPinnedImage(image: string): boolean {
  return imageProblem(image) === undefined;
}

/** The URL when the text is an http or https URL, else undefined. */
export function httpUrl(text: string): URL | undefined {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  return url && (url.protocol === 'https:' || url.protocol === 'http:') ? url : undefined;
}

/**
 * Why a URL may not be written into the output: it carries a credential, a password (`user:password@`) or,
 * on http(s), any user (`https://<token>@host` is a token). An ssh user (`ssh://git@host`) is no credential.
 * Configs are committed to git and URLs are rendered as they are.
 */
export function urlCredentialsProblem(url: string): string | undefined {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || !(parsed.password || (parsed.username && /^https?:$/.test(parsed.protocol)))) return undefined;
  return 'must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is';
}

/**
 * A short, stable fingerprint of a text (FNV-1a, 8 hex digits), for a pod annotation that rolls the pods when the
 * config they read at start changes. Not for security.
 */
export function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
