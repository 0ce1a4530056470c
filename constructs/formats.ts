/** An exact chart or image version: no ranges, so every install is reproducible. */
export const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** A DNS-1123 label: namespace names, most object names (at most 63 characters). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1035 label (a Service name): a DNS-1123 label that starts with a letter. */
export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A label key: an optional DNS-subdomain prefix and "/", then a name of at most 63 characters. */
export const LABEL_KEY = /^(?:(?=.{1,253}\/)[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** A label value: empty, or at most 63 characters of letters, digits, "-", "_" and ".", starting and ending alphanumeric. */
export const LABEL_VALUE = /^(?:(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** A Kubernetes quantity: a number with an optional decimal (k, M, G...) or binary (Ki, Mi, Gi...) suffix. */
export const QUANTITY = /^(?:\d+(?:\.\d+)?|\.\d+)(?:m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const QUANTITY_FACTORS: Readonly<Record<string, number>> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The value of a quantity ("512Mi" → 536870912); throws on anything that is not one. */
export function parseQuantity(quantity: string): number {
  if (!QUANTITY.test(quantity)) throw new Error(`"${quantity}" is not a Kubernetes quantity such as "500m", "512Mi" or "4Gi"`);
  const [, number, suffix] = /^([\d.]+)(\D*)$/.exec(quantity)!;
  return Number(number) * QUANTITY_FACTORS[suffix];
}

/** Bytes as GiB with one decimal, for messages. */
export function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** An image reference with a version tag (after the last "/") or a sha256 digest. */
export const PINNED_IMAGE = /^[^\s@]+(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[0-9a-f]{64})$/;

/** Pinned to a tag other than `latest`, or to a digest: every node then runs the same code. */
export function isPinnedImage(image: string): boolean {
  const tag = /:([^:/@]+)$/.exec(image)?.[1];
  return PINNED_IMAGE.test(image) && (image.includes('@sha256:') || (tag !== undefined && tag !== 'latest'));
}
