/** What verify-pins checks (an artifact the rendered platform pins) and what a registry said about it. */

export type PinKind = 'image' | 'chart' | 'npm';

interface PinBase {
  /** How the table names it: the image reference, `host/path/<chart>:<version>`, `name@version`. */
  readonly artifact: string;
  /** Every place it is used: "<app>/<Kind> <name> (<container>)", "bootstrap/helm_release <name>". */
  readonly usedBy: readonly string[];
}

export interface ImagePin extends PinBase {
  readonly kind: 'image';
  /** The reference as the manifest writes it. */
  readonly image: string;
}

export interface ChartPin extends PinBase {
  readonly kind: 'chart';
  /** `oci://host/path` (an OCI registry) or the URL of an HTTP Helm repository. */
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

export interface NpmPin extends PinBase {
  readonly kind: 'npm';
  readonly name: string;
  readonly version: string;
}

export type Pin = ImagePin | ChartPin | NpmPin;

/**
 * `exists`: the registry has it. `MISSING`: the registry answered that it has not (or denies it to an
 * anonymous client). `unreachable`: no answer either way, so the check is incomplete.
 */
export type PinStatus = 'exists' | 'MISSING' | 'unreachable';

/** One registry's answer about one artifact. */
export interface CheckOutcome {
  readonly status: PinStatus;
  /** Manifest digest, chart digest or npm integrity, when it exists. */
  readonly digest?: string;
  /** Why: a status and error code, "index", "timed out after 10 s", "ENOTFOUND ghcr.io". */
  readonly note: string;
}

export interface PinResult extends CheckOutcome {
  readonly kind: PinKind;
  readonly artifact: string;
  readonly usedBy: readonly string[];
  /** The registry asked, as people name it: "ghcr.io", "docker.io", "registry.npmjs.org". */
  readonly registry: string;
}

export const exists = (note: string, digest?: string): CheckOutcome => ({ status: 'exists', note, ...(digest ? { digest } : {}) });
export const missing = (note: string): CheckOutcome => ({ status: 'MISSING', note });
export const unreachable = (note: string): CheckOutcome => ({ status: 'unreachable', note });
