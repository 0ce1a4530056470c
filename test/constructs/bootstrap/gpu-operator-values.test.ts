import { describe, expect, it } from '@jest/globals';
import { gpuOperatorProblems, gpuOperatorValues } from '../../../constructs/bootstrap/gpu-operator-values.js';

describe('GPU operator values', () => {
  it('on Talos leaves the driver and toolkit to the host, found under /usr/local (Sidero\'s guide)', () => {
    expect(gpuOperatorValues({ talos: true })).toEqual({ driver: { enabled: false }, toolkit: { enabled: false }, hostPaths: { driverInstallDir: '/usr/local' } });
  });

  it('elsewhere lets the operator install them, unless the host has them', () => {
    expect(gpuOperatorValues({ talos: false })).toEqual({});
    expect(gpuOperatorValues({ talos: false, driver: 'host' })).toEqual({ driver: { enabled: false }, toolkit: { enabled: false } });
    expect(gpuOperatorValues({ talos: false, driver: 'host', driverInstallDir: '/opt/nvidia' })).toEqual({
      driver: { enabled: false },
      toolkit: { enabled: false },
      hostPaths: { driverInstallDir: '/opt/nvidia' },
    });
  });

  it('refuses, on Talos, a driver or toolkit the operator would install (the chart enables both by default)', () => {
    const message = (what: string, key: string) =>
      `${key}.enabled: must be false on Talos: the NVIDIA ${what} comes from a Talos system extension, and the operator cannot install it on Talos's read-only host ` +
      '(its DaemonSet fails and GPU pods stay Pending); leave operators.nvidiaGpu.driver at "host"';
    expect(gpuOperatorProblems({}, true)).toEqual([message('driver', 'driver'), message('container toolkit', 'toolkit')]);
    expect(gpuOperatorProblems({ driver: { enabled: false }, toolkit: { enabled: true } }, true)).toEqual([message('container toolkit', 'toolkit')]);
    expect(gpuOperatorProblems(gpuOperatorValues({ talos: true }), true)).toEqual([]);
    expect(gpuOperatorProblems({}, false)).toEqual([]);
  });

  it("refuses the NRI plugin without the toolkit, which the chart's validations.yaml fails on", () => {
    expect(gpuOperatorProblems({ ...gpuOperatorValues({ talos: true }), cdi: { nriPluginEnabled: true } }, true)).toEqual([
      'cdi.nriPluginEnabled: must stay false while the toolkit is disabled: the chart refuses that combination (templates/validations.yaml)',
    ]);
    expect(gpuOperatorProblems({ cdi: { nriPluginEnabled: true } }, false)).toEqual([]);
  });
});
