/**
 * Building blocks every pod the platform renders shares, so that Pod Security "restricted", resources
 * and writable paths are decided in one place rather than re-typed (and drifting) in each construct.
 */
import { k8s } from 'cdk8s-plus-33';

/** Container resources in the config's words; GPUs are requested and limited alike, as Kubernetes demands. */
export interface ContainerResources {
  /** CPU request, e.g. "250m". No CPU limit: a limit throttles a busy server, the request already reserves its share. */
  readonly requestsCpu: string;
  /** Memory request, e.g. "512Mi". */
  readonly requestsMemory: string;
  /** Memory limit, e.g. "1Gi". */
  readonly limitsMemory: string;
}

/** `resources` of a container, with `gpus` of `gpuResource` when asked for. */
export function resourceRequirements(
  resources: ContainerResources,
  gpus?: { readonly count: number; readonly resourceName: string },
): k8s.ResourceRequirements {
  const gpu = gpus && gpus.count > 0 ? { [gpus.resourceName]: k8s.Quantity.fromNumber(gpus.count) } : {};
  return {
    requests: { cpu: k8s.Quantity.fromString(resources.requestsCpu), memory: k8s.Quantity.fromString(resources.requestsMemory), ...gpu },
    limits: { memory: k8s.Quantity.fromString(resources.limitsMemory), ...gpu },
  };
}

/**
 * Pod-level security context for Pod Security "restricted": a fixed non-root user, its group owning
 * mounted volumes (so a PVC written by an earlier pod stays writable), and the runtime's seccomp profile.
 */
export function restrictedPodSecurityContext(uid: number, gid: number = uid): k8s.PodSecurityContext {
  if (!Number.isInteger(uid) || uid < 1) throw new Error(`restrictedPodSecurityContext: uid must be a positive whole number (non-root), got ${uid}.`);
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container security context for Pod Security "restricted", with a read-only root filesystem. */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** A writable folder on a read-only root filesystem: an emptyDir volume and where it is mounted. */
export interface ScratchDir {
  readonly volume: k8s.Volume;
  readonly mount: k8s.VolumeMount;
}

/** An emptyDir mounted at `path`; `medium: 'Memory'` for tmpfs (counted against the memory limit). */
export function scratchDir(name: string, path: string, options: { readonly sizeLimit?: string; readonly medium?: 'Memory' } = {}): ScratchDir {
  return {
    volume: {
      name,
      emptyDir: {
        ...(options.medium ? { medium: options.medium } : {}),
        ...(options.sizeLimit ? { sizeLimit: k8s.Quantity.fromString(options.sizeLimit) } : {}),
      },
    },
    mount: { name, mountPath: path },
  };
}

/** `env` entries from a plain map, sorted so the output does not depend on the order props were written in. */
export function envVars(values: Readonly<Record<string, string>>): k8s.EnvVar[] {
  return Object.keys(values)
    .sort()
    .map((name) => ({ name, value: values[name] }));
}
