/**
 * The NVIDIA GPU operator's chart values for where the driver comes from, and the combinations its chart
 * or a Talos node would refuse at install time (NVIDIA/gpu-operator v26.7.0, deployments/gpu-operator).
 */

/** Where the NVIDIA driver and container toolkit come from. */
export type GpuDriverSource = 'operator' | 'host';

export interface GpuOperatorSetup {
  /** The nodes run Talos: the driver and toolkit are system extensions and the host is read-only. */
  readonly talos: boolean;
  /** @default "host" on Talos, else "operator" */
  readonly driver?: GpuDriverSource;
  /** The chart's `hostPaths.driverInstallDir` for a host driver. @default "/usr/local" on Talos, else the chart's own */
  readonly driverInstallDir?: string;
}

/**
 * With the host's driver the operator must install neither the driver nor the toolkit, and must look for the
 * driver where the host keeps it. On Talos these are the values of Sidero's guide (siderolabs/docs, Talos v1.13
 * and v1.14 "NVIDIA GPU") and of Talos's own test (siderolabs/talos v1.13.9,
 * internal/integration/api/testdata/nvidia-gpu-operator.yaml).
 */
export function gpuOperatorValues(setup: GpuOperatorSetup): Record<string, unknown> {
  if ((setup.driver ?? (setup.talos ? 'host' : 'operator')) === 'operator') return {};
  const driverInstallDir = setup.driverInstallDir ?? (setup.talos ? '/usr/local' : undefined);
  return {
    driver: { enabled: false },
    toolkit: { enabled: false },
    ...(driverInstallDir ? { hostPaths: { driverInstallDir } } : {}),
  };
}

/** Problems with the values the chart will get (the platform's merged with the user's), as `<key>: <why>`. */
export function gpuOperatorProblems(values: Readonly<Record<string, unknown>>, talos: boolean): string[] {
  const enabled = (key: string) => {
    const section = values[key];
    // The chart's defaults: driver.enabled and toolkit.enabled are true, cdi.nriPluginEnabled is false.
    const value = section && typeof section === 'object' ? (section as Record<string, unknown>).enabled : undefined;
    return value === undefined ? true : value === true;
  };
  const problems: string[] = [];
  if (talos) {
    for (const key of ['driver', 'toolkit']) {
      if (enabled(key)) {
        problems.push(
          `${key}.enabled: must be false on Talos: the NVIDIA ${key === 'driver' ? 'driver' : 'container toolkit'} comes from a Talos system extension, ` +
            'and the operator cannot install it on Talos\'s read-only host (its DaemonSet fails and GPU pods stay Pending); leave operators.nvidiaGpu.driver at "host"',
        );
      }
    }
  }
  const cdi = values.cdi && typeof values.cdi === 'object' ? (values.cdi as Record<string, unknown>) : {};
  if (cdi.nriPluginEnabled === true && !enabled('toolkit')) {
    problems.push('cdi.nriPluginEnabled: must stay false while the toolkit is disabled: the chart refuses that combination (templates/validations.yaml)');
  }
  return problems;
}
