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
  { name: 'seLinuxOptions type container_t', options: securityContext({ seLinuxOptions: { type: 'container_t', level: 's0:c123,c456' } }) },
  { name: 'appArmorProfile RuntimeDefault', options: securityContext({ appArmorProfile: { type: 'RuntimeDefault' } }) },
];

describe('pod security restricted rule', () => {
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

    it('accepts runtime/default and localhost profiles', () => {
      expect(annotated('runtime/default')).toEqual({ status: 'compliant' });
      expect(annotated('localhost/mcp-server')).toEqual({ status: 'compliant' });
    });
  });
});
