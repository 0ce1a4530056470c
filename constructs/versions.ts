/** An exact chart or image version: no ranges, so every install is reproducible. */
export const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
