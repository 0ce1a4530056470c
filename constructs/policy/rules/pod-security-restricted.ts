import { RuleIds } from '../rule-ids.js';
import { complianceOf, NOT_APPLICABLE, type Manifest, type PolicyRule } from '../rule.js';
import { containersOf, podTemplateOf } from '../workload.js';

/** Volume types Pod Security "restricted" allows. */
const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];
/** Sysctls Pod Security "baseline" (and so "restricted") allows. */
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
];
/** The AppArmor annotation Kubernetes still honours for pods that do not set appArmorProfile. */
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';
/** Seccomp profile types restricted allows. */
const SECCOMP_TYPES = ['RuntimeDefault', 'Localhost'];
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

/** Every check of the Kubernetes Pod Security Standard "restricted" profile, on the pod template. */
export const podSecurityRestricted: PolicyRule = {
  id: RuleIds.podSecurityRestricted,
  level: 'error',
  description: 'Pods pass the Pod Security Standard "restricted".',
  explanation:
    'The platform namespace enforces Pod Security "restricted"; a pod that fails it is rejected at admission, after Argo CD has already synced. ' +
    'Set allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile RuntimeDefault, capabilities.drop [ALL]; use no host namespaces, host ports, hostPath or privileged containers.',
  check(manifest) {
    const pod = podTemplateOf(manifest);
    if (!pod) return NOT_APPLICABLE;
    const spec = pod.spec;
    const podContext = spec.securityContext ?? {};
    const reasons: string[] = [];

    for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
      if (spec[field] === true) reasons.push(`pod sets ${field}: true`);
    }
    for (const volume of (spec.volumes ?? []) as Manifest[]) {
      const type = Object.keys(volume).find((k) => k !== 'name');
      if (type && !ALLOWED_VOLUMES.includes(type)) reasons.push(`volume "${volume.name}" has type ${type}, which restricted does not allow`);
    }
    for (const sysctl of (podContext.sysctls ?? []) as Manifest[]) {
      if (!SAFE_SYSCTLS.includes(sysctl.name)) reasons.push(`pod sets unsafe sysctl ${sysctl.name}`);
    }
    reasons.push(...seLinuxAndAppArmor(podContext, 'pod'));
    // Admission checks pod-level values on their own: a container cannot override them into compliance.
    if (podContext.runAsUser === 0) reasons.push('pod sets runAsUser: 0');
    if (podContext.runAsNonRoot === false) reasons.push('pod sets runAsNonRoot: false');
    if (podContext.seccompProfile && !SECCOMP_TYPES.includes(podContext.seccompProfile.type)) {
      reasons.push(`pod sets seccompProfile.type ${podContext.seccompProfile.type}`);
    }
    if (podContext.windowsOptions?.hostProcess === true) reasons.push('pod is a Windows host process');
    for (const [key, value] of Object.entries(pod.annotations)) {
      if (key.startsWith(APPARMOR_ANNOTATION) && value !== 'runtime/default' && !value.startsWith('localhost/')) {
        reasons.push(`annotation ${key} sets AppArmor profile ${value}`);
      }
    }

    for (const { container, label } of containersOf(spec)) {
      const sc: Manifest = container.securityContext ?? {};
      if (sc.privileged === true) reasons.push(`${label} is privileged`);
      if (sc.allowPrivilegeEscalation !== false) reasons.push(`${label} must set allowPrivilegeEscalation: false`);
      if ((sc.runAsNonRoot ?? podContext.runAsNonRoot) !== true) reasons.push(`${label} must set runAsNonRoot: true (on the container or the pod)`);
      if (sc.runAsUser === 0) reasons.push(`${label} sets runAsUser: 0`);
      const seccomp = (sc.seccompProfile ?? podContext.seccompProfile)?.type;
      if (!SECCOMP_TYPES.includes(seccomp)) {
        reasons.push(`${label} must set seccompProfile.type RuntimeDefault or Localhost (on the container or the pod)`);
      }
      const drop: string[] = sc.capabilities?.drop ?? [];
      if (!drop.includes('ALL')) reasons.push(`${label} must drop ALL capabilities`);
      for (const added of (sc.capabilities?.add ?? []) as string[]) {
        if (added !== 'NET_BIND_SERVICE') reasons.push(`${label} adds capability ${added}; only NET_BIND_SERVICE is allowed`);
      }
      if (sc.procMount && sc.procMount !== 'Default') reasons.push(`${label} sets procMount ${sc.procMount}`);
      if (sc.windowsOptions?.hostProcess === true) reasons.push(`${label} is a Windows host process`);
      reasons.push(...seLinuxAndAppArmor(sc, label));
      for (const port of (container.ports ?? []) as Manifest[]) {
        if (port.hostPort) reasons.push(`${label} uses hostPort ${port.hostPort}`);
      }
    }
    return complianceOf(reasons);
  },
};

function seLinuxAndAppArmor(context: Manifest, label: string): string[] {
  const reasons: string[] = [];
  const se = context.seLinuxOptions;
  if (se && (!SELINUX_TYPES.includes(se.type ?? '') || se.user || se.role)) reasons.push(`${label} sets seLinuxOptions restricted does not allow`);
  if (context.appArmorProfile?.type === 'Unconfined') reasons.push(`${label} sets appArmorProfile Unconfined`);
  return reasons;
}
