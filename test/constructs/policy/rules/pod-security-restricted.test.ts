import { describe, expect, it } from '@jest/globals';
import type { Manifest } from '../../../../constructs/policy/rule.js';
import { podSecurityRestricted } from '../../../../constructs/policy/rules/pod-security-restricted.js';
import { compliantContainer, compliantDeployment, compliantPod, configMap, without, type PodOptions } from '../../../support/manifests.js';

const check = (options: PodOptions = {}) => podSecurityRestricted.check(compliantDeployment(options), { objects: [] });

/** The compliant container's securityContext with `patch` applied and `omit` removed. */
const securityContext = (patch: Manifest, ...omit: string[]): PodOptions => ({
  container: { securityContext: { ...without(compliantContainer().securityContext, ...omit), ...patch } },
});

interface Case {
  readonly name: string;
  readonly options: PodOptions;
  readonly reasons: readonly string[];
}

const violations: Case[] = [
  { name: 'hostNetwork', options: { podSpec: { hostNetwork: true } }, reasons: ['pod sets hostNetwork: true'] },
  { name: 'hostPID', options: { podSpec: { hostPID: true } }, reasons: ['pod sets hostPID: true'] },
  { name: 'hostIPC', options: { podSpec: { hostIPC: true } }, reasons: ['pod sets hostIPC: true'] },
  {
    name: 'a hostPath volume',
    options: { podSpec: { volumes: [{ name: 'host', hostPath: { path: '/var/run' } }] } },
    reasons: ['volume "host" has type hostPath, which restricted does not allow'],
  },
  {
    name: 'an unsafe sysctl',
    options: { podSpec: { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] } } },
    reasons: ['pod sets unsafe sysctl kernel.msgmax'],
  },
  { name: 'a privileged container', options: securityContext({ privileged: true }), reasons: ['container "app" is privileged'] },
  {
    name: 'allowPrivilegeEscalation missing',
    options: securityContext({}, 'allowPrivilegeEscalation'),
    reasons: ['container "app" must set allowPrivilegeEscalation: false'],
  },
  {
    name: 'runAsNonRoot missing on container and pod',
    options: securityContext({}, 'runAsNonRoot'),
    reasons: ['container "app" must set runAsNonRoot: true (on the container or the pod)'],
  },
  {
    name: 'runAsNonRoot false on the container though true on the pod',
    options: { ...securityContext({ runAsNonRoot: false }), podSpec: { securityContext: { runAsNonRoot: true } } },
    reasons: ['container "app" must set runAsNonRoot: true (on the container or the pod)'],
  },
  { name: 'runAsUser 0 on the container', options: securityContext({ runAsUser: 0 }), reasons: ['container "app" sets runAsUser: 0'] },
  { name: 'runAsUser 0 on the pod', options: { podSpec: { securityContext: { runAsUser: 0 } } }, reasons: ['pod sets runAsUser: 0'] },
  {
    name: 'seccompProfile missing on container and pod',
    options: securityContext({}, 'seccompProfile'),
    reasons: ['container "app" must set seccompProfile.type RuntimeDefault or Localhost (on the container or the pod)'],
  },
  {
    name: 'seccompProfile Unconfined on the container',
    options: securityContext({ seccompProfile: { type: 'Unconfined' } }),
    reasons: ['container "app" must set seccompProfile.type RuntimeDefault or Localhost (on the container or the pod)'],
  },
  {
    name: 'capabilities that do not drop ALL',
    options: securityContext({ capabilities: { drop: ['NET_RAW'] } }),
    reasons: ['container "app" must drop ALL capabilities'],
  },
  {
    name: 'an added capability other than NET_BIND_SERVICE',
    options: securityContext({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] } }),
    reasons: ['container "app" adds capability SYS_ADMIN; only NET_BIND_SERVICE is allowed'],
  },
  {
    name: 'a hostPort',
    options: { container: { ports: [{ name: 'http', containerPort: 8080, hostPort: 8080 }] } },
    reasons: ['container "app" uses hostPort 8080'],
  },
  { name: 'procMount Unmasked', options: securityContext({ procMount: 'Unmasked' }), reasons: ['container "app" sets procMount Unmasked'] },
  {
    name: 'a Windows host process container',
    options: securityContext({ windowsOptions: { hostProcess: true } }),
    reasons: ['container "app" is a Windows host process'],
  },
  {
    name: 'appArmorProfile Unconfined on the container',
    options: securityContext({ appArmorProfile: { type: 'Unconfined' } }),
    reasons: ['container "app" sets appArmorProfile Unconfined'],
  },
  {
    name: 'appArmorProfile Unconfined on the pod',
    options: { podSpec: { securityContext: { appArmorProfile: { type: 'Unconfined' } } } },
    reasons: ['pod sets appArmorProfile Unconfined'],
  },
  {
    name: 'seLinuxOptions type spc_t on the container',
    options: securityContext({ seLinuxOptions: { type: 'spc_t' } }),
    reasons: ['container "app" sets seLinuxOptions restricted does not allow'],
  },
  {
    name: 'seLinuxOptions with a user',
    options: securityContext({ seLinuxOptions: { type: 'container_t', user: 'system_u' } }),
    reasons: ['container "app" sets seLinuxOptions restricted does not allow'],
  },
  {
    name: 'seLinuxOptions with a role',
    options: securityContext({ seLinuxOptions: { role: 'system_r' } }),
    reasons: ['container "app" sets seLinuxOptions restricted does not allow'],
  },
  {
    name: 'a volume type restricted does not list (nfs)',
    options: { podSpec: { volumes: [{ name: 'share', nfs: { server: 'nas', path: '/export' } }] } },
    reasons: ['volume "share" has type nfs, which restricted does not allow'],
  },
  {
    name: 'seLinuxOptions type spc_t on the pod',
    options: { podSpec: { securityContext: { seLinuxOptions: { type: 'spc_t' } } } },
    reasons: ['pod sets seLinuxOptions restricted does not allow'],
  },
  {
    name: 'an init container that may escalate privileges',
    options: { podSpec: { initContainers: [compliantContainer({ name: 'migrate', securityContext: { ...compliantContainer().securityContext, allowPrivilegeEscalation: true } })] } },
    reasons: ['init container "migrate" must set allowPrivilegeEscalation: false'],
  },
  {
    name: 'a privileged init container',
    options: { podSpec: { initContainers: [compliantContainer({ name: 'migrate', securityContext: { ...compliantContainer().securityContext, privileged: true } })] } },
    reasons: ['init container "migrate" is privileged'],
  },
];

const allowed: Array<{ readonly name: string; readonly options: PodOptions }> = [
  {
    name: 'runAsNonRoot set on the pod instead of the container',
    options: { ...securityContext({}, 'runAsNonRoot'), podSpec: { securityContext: { runAsNonRoot: true } } },
  },
  {
    name: 'seccompProfile RuntimeDefault set on the pod instead of the container',
    options: { ...securityContext({}, 'seccompProfile'), podSpec: { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } } },
  },
  { name: 'seccompProfile Localhost', options: securityContext({ seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/mcp.json' } }) },
  { name: 'adding NET_BIND_SERVICE', options: securityContext({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }) },
  { name: 'a safe sysctl', options: { podSpec: { securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }] } } } },
  { name: 'emptyDir, configMap and projected volumes', options: { podSpec: { volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'conf', configMap: { name: 'demo' } }, { name: 'token', projected: { sources: [] } }] } } },
  { name: 'procMount Default', options: securityContext({ procMount: 'Default' }) },
  { name: 'a volume with only a name (an emptyDir by default)', options: { podSpec: { volumes: [{ name: 'scratch' }] } } },
  { name: 'seLinuxOptions with only a level (type unset)', options: securityContext({ seLinuxOptions: { level: 's0:c1,c2' } }) },
  { name: 'a pod seccompProfile RuntimeDefault beside the container one', options: { podSpec: { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } } } },
  { name: 'a pod seccompProfile Localhost', options: { podSpec: { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } } } },
  { name: 'runAsUser other than 0 on the pod and the container', options: { podSpec: { securityContext: { runAsUser: 1000, runAsNonRoot: true } } } },
  { name: 'hostProcess false on the pod and the container', options: { ...securityContext({ windowsOptions: { hostProcess: false } }), podSpec: { securityContext: { windowsOptions: { hostProcess: false } } } } },
  { name: 'host namespaces set to false', options: { podSpec: { hostNetwork: false, hostPID: false, hostIPC: false } } },
  { name: 'privileged false', options: securityContext({ privileged: false }) },
  { name: 'a port without hostPort', options: { container: { ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090, hostPort: 0 }] } } },
  { name: 'seLinuxOptions type container_t', options: securityContext({ seLinuxOptions: { type: 'container_t', level: 's0:c123,c456' } }) },
  { name: 'appArmorProfile RuntimeDefault', options: securityContext({ appArmorProfile: { type: 'RuntimeDefault' } }) },
];

/** Volume types, sysctls and SELinux types the restricted profile allows (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
const ALLOWED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
];
const SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

describe('pod security restricted rule', () => {
  it.each(ALLOWED_VOLUME_TYPES)('accepts a %s volume', (type) => {
    expect(check({ podSpec: { volumes: [{ name: 'v', [type]: {} }] } })).toEqual({ status: 'compliant' });
  });

  it.each(SAFE_SYSCTLS)('accepts the safe sysctl %s', (name) => {
    expect(check({ podSpec: { securityContext: { sysctls: [{ name, value: '1' }] } } })).toEqual({ status: 'compliant' });
  });

  it.each(SELINUX_TYPES)('accepts seLinuxOptions type %s on the pod and the container', (type) => {
    expect(check({ ...securityContext({ seLinuxOptions: { type } }), podSpec: { securityContext: { seLinuxOptions: { type } } } })).toEqual({ status: 'compliant' });
  });

  it('names every check a container without a securityContext or ports fails, in order', () => {
    // GIVEN a container with no securityContext on a pod with none
    const container = without(compliantContainer(), 'securityContext', 'ports');
    // WHEN checked
    const result = podSecurityRestricted.check(compliantDeployment({ podSpec: { containers: [container] } }), { objects: [] });
    // THEN each container-level requirement is named
    expect(result).toEqual({
      status: 'non-compliant',
      reasons: [
        'container "app" must set allowPrivilegeEscalation: false',
        'container "app" must set runAsNonRoot: true (on the container or the pod)',
        'container "app" must set seccompProfile.type RuntimeDefault or Localhost (on the container or the pod)',
        'container "app" must drop ALL capabilities',
      ],
    });
  });

  it('names every pod-level violation, in order', () => {
    const podSpec = {
      hostNetwork: true,
      hostPID: true,
      hostIPC: true,
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
      securityContext: {
        sysctls: [{ name: 'kernel.msgmax', value: '1' }],
        seLinuxOptions: { type: 'spc_t' },
        appArmorProfile: { type: 'Unconfined' },
        runAsUser: 0,
        runAsNonRoot: false,
        seccompProfile: { type: 'Unconfined' },
        windowsOptions: { hostProcess: true },
      },
    };
    const deployment = compliantDeployment({ podSpec });
    deployment.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
    expect(podSecurityRestricted.check(deployment, { objects: [] })).toEqual({
      status: 'non-compliant',
      reasons: [
        'pod sets hostNetwork: true',
        'pod sets hostPID: true',
        'pod sets hostIPC: true',
        'volume "host" has type hostPath, which restricted does not allow',
        'pod sets unsafe sysctl kernel.msgmax',
        'pod sets seLinuxOptions restricted does not allow',
        'pod sets appArmorProfile Unconfined',
        'pod sets runAsUser: 0',
        'pod sets runAsNonRoot: false',
        'pod sets seccompProfile.type Unconfined',
        'pod is a Windows host process',
        'annotation container.apparmor.security.beta.kubernetes.io/app sets AppArmor profile unconfined',
      ],
    });
  });

  it('names every container-level violation, in order', () => {
    const sc = {
      privileged: true,
      allowPrivilegeEscalation: true,
      runAsNonRoot: false,
      runAsUser: 0,
      seccompProfile: { type: 'Unconfined' },
      capabilities: { drop: ['NET_RAW'], add: ['SYS_ADMIN', 'NET_RAW'] },
      procMount: 'Unmasked',
      windowsOptions: { hostProcess: true },
      seLinuxOptions: { type: 'spc_t' },
      appArmorProfile: { type: 'Unconfined' },
    };
    expect(check({ container: { securityContext: sc, ports: [{ containerPort: 80, hostPort: 80 }, { containerPort: 443, hostPort: 443 }] } })).toEqual({
      status: 'non-compliant',
      reasons: [
        'container "app" is privileged',
        'container "app" must set allowPrivilegeEscalation: false',
        'container "app" must set runAsNonRoot: true (on the container or the pod)',
        'container "app" sets runAsUser: 0',
        'container "app" must set seccompProfile.type RuntimeDefault or Localhost (on the container or the pod)',
        'container "app" must drop ALL capabilities',
        'container "app" adds capability SYS_ADMIN; only NET_BIND_SERVICE is allowed',
        'container "app" adds capability NET_RAW; only NET_BIND_SERVICE is allowed',
        'container "app" sets procMount Unmasked',
        'container "app" is a Windows host process',
        'container "app" sets seLinuxOptions restricted does not allow',
        'container "app" sets appArmorProfile Unconfined',
        'container "app" uses hostPort 80',
        'container "app" uses hostPort 443',
      ],
    });
  });

  it('checks ephemeral containers too (admission does)', () => {
    const debug = { name: 'debug', image: 'busybox:1.36', targetContainerName: 'app' };
    expect(check({ podSpec: { ephemeralContainers: [debug] } })).toEqual({
      status: 'non-compliant',
      reasons: [
        'ephemeral container "debug" must set allowPrivilegeEscalation: false',
        'ephemeral container "debug" must set runAsNonRoot: true (on the container or the pod)',
        'ephemeral container "debug" must set seccompProfile.type RuntimeDefault or Localhost (on the container or the pod)',
        'ephemeral container "debug" must drop ALL capabilities',
      ],
    });
  });

  it('accepts a pod that sets every restricted field', () => {
    // GIVEN the compliant Deployment WHEN checked THEN it passes
    expect(check()).toEqual({ status: 'compliant' });
  });

  it.each(violations)('rejects $name', ({ options, reasons }) => {
    // GIVEN a pod that breaks one restricted check
    // WHEN checked
    const result = check(options);
    // THEN that check, and only it, is reported
    expect(result).toEqual({ status: 'non-compliant', reasons });
  });

  it.each(allowed)('accepts $name', ({ options }) => {
    // GIVEN a pod that meets a restricted check another allowed way WHEN checked THEN it passes
    expect(check(options)).toEqual({ status: 'compliant' });
  });

  it('reports every container that fails, init containers included, in order', () => {
    // GIVEN an app container and an init container that both run without a seccomp profile
    const noSeccomp = without(compliantContainer().securityContext, 'seccompProfile');
    const options = { container: { securityContext: noSeccomp }, podSpec: { initContainers: [compliantContainer({ name: 'migrate', securityContext: noSeccomp })] } };
    // WHEN checked
    const result = check(options);
    // THEN both are named, the app container first
    expect(result).toEqual({
      status: 'non-compliant',
      reasons: [
        'container "app" must set seccompProfile.type RuntimeDefault or Localhost (on the container or the pod)',
        'init container "migrate" must set seccompProfile.type RuntimeDefault or Localhost (on the container or the pod)',
      ],
    });
  });

  it('checks a bare Pod as well as a pod template', () => {
    // GIVEN a bare Pod on the host network WHEN checked THEN it is rejected
    const result = podSecurityRestricted.check(compliantPod({ podSpec: { hostNetwork: true } }), { objects: [] });
    expect(result).toEqual({ status: 'non-compliant', reasons: ['pod sets hostNetwork: true'] });
  });

  describe('pod-level settings a container cannot override (Pod Security admission rejects these)', () => {
    it('rejects runAsNonRoot false on the pod even when every container sets true', () => {
      // GIVEN a pod that sets runAsNonRoot: false while its container sets true
      // WHEN checked
      const result = check({ podSpec: { securityContext: { runAsNonRoot: false } } });
      // THEN it is rejected, as admission rejects spec.securityContext.runAsNonRoot=false
      expect(result).toEqual({ status: 'non-compliant', reasons: ['pod sets runAsNonRoot: false'] });
    });

    it('rejects seccompProfile Unconfined on the pod even when every container sets RuntimeDefault', () => {
      // GIVEN a pod-level Unconfined seccomp profile and a container-level RuntimeDefault one
      // WHEN checked
      const result = check({ podSpec: { securityContext: { seccompProfile: { type: 'Unconfined' } } } });
      // THEN it is rejected, as admission (baseline already) forbids an explicit Unconfined anywhere
      expect(result).toEqual({ status: 'non-compliant', reasons: ['pod sets seccompProfile.type Unconfined'] });
    });

    it('rejects a Windows host process pod', () => {
      // GIVEN a pod-level windowsOptions.hostProcess, which every container inherits
      // WHEN checked
      const result = check({ podSpec: { securityContext: { windowsOptions: { hostProcess: true } } } });
      // THEN it is rejected, as admission checks spec.securityContext.windowsOptions.hostProcess
      expect(result).toEqual({ status: 'non-compliant', reasons: ['pod is a Windows host process'] });
    });
  });

  it('does not apply to objects without pods', () => {
    expect(podSecurityRestricted.check(configMap(), { objects: [] })).toEqual({ status: 'not-applicable' });
  });

  describe('the legacy AppArmor annotation', () => {
    const annotated = (value: string) => {
      const deployment = compliantDeployment();
      deployment.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': value };
      return podSecurityRestricted.check(deployment, { objects: [] });
    };

    it('rejects unconfined', () => {
      expect(annotated('unconfined')).toEqual({
        status: 'non-compliant',
        reasons: ['annotation container.apparmor.security.beta.kubernetes.io/app sets AppArmor profile unconfined'],
      });
    });

    it('ignores other annotations, whatever their value', () => {
      const deployment = compliantDeployment();
      deployment.spec.template.metadata.annotations = { 'example.com/apparmor': 'unconfined', 'x/container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
      expect(podSecurityRestricted.check(deployment, { objects: [] })).toEqual({ status: 'compliant' });
    });

    it('rejects a localhost profile without the localhost/ prefix', () => {
      expect(annotated('mcp-server/localhost/')).toEqual({
        status: 'non-compliant',
        reasons: ['annotation container.apparmor.security.beta.kubernetes.io/app sets AppArmor profile mcp-server/localhost/'],
      });
    });

    it('accepts runtime/default and localhost profiles', () => {
      expect(annotated('runtime/default')).toEqual({ status: 'compliant' });
      expect(annotated('localhost/mcp-server')).toEqual({ status: 'compliant' });
    });
  });
});
