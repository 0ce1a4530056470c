/**
 * Helm chart values checked at synth against the chart's own `values.schema.json`, where the pinned
 * chart ships one (vendored in imports/charts/, see SOURCES.md there). Helm validates the merged values
 * (chart defaults, then ours) at install time; failing here instead keeps a wrong value out of git.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

export const CHART_SCHEMA_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'imports', 'charts');

/**
 * The vendored chart schemas, by chart name and exact version. Only CloudNativePG's chart ships one among
 * the charts the platform pins (kmcp, ToolHive, the GPU operator and Argo CD's charts do not).
 */
export const CHART_VALUES_SCHEMAS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'cloudnative-pg': { '0.29.0': 'cloudnative-pg-0.29.0.values.schema.json' },
};

/** What checking a chart's values found. */
export interface ChartValuesCheck {
  /** False when no schema is vendored for that chart and version: the values go to Helm unchecked. */
  readonly validated: boolean;
  /** One line per wrong value, `<path>: <what is wrong>`; empty when valid or not validated. */
  readonly problems: readonly string[];
}

const validators = new Map<string, ValidateFunction>();

/**
 * Checks `values` against the schema of `chart` at `version`. The values are checked on their own,
 * not merged with the chart's defaults: that gives the same answer as Helm's check of the merged values
 * because the vendored schemas require no key and have no conditional rules (a test holds them to that),
 * and the chart's own defaults pass its schema.
 */
export function checkChartValues(chart: string, version: string, values: Readonly<Record<string, unknown>>): ChartValuesCheck {
  const file = CHART_VALUES_SCHEMAS[chart]?.[version];
  if (!file) return { validated: false, problems: [] };
  let validate = validators.get(file);
  if (!validate) {
    // Compiled on first use: a synth that passes no values to this chart never pays for it.
    validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(CHART_SCHEMA_ROOT, file), 'utf8')));
    validators.set(file, validate);
  }
  if (validate(withoutNulls(values))) return { validated: true, problems: [] };
  return {
    validated: true,
    problems: (validate.errors ?? []).map((e) => {
      const path = e.instancePath.slice(1).replaceAll('/', '.') || '(values)';
      const allowed = e.params && 'allowedValues' in e.params ? `: ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` : '';
      return `${path}: ${e.message}${allowed} (${chart} ${version} values.schema.json)`;
    }),
  };
}

/**
 * Helm's merge of two layers of values: maps merge key by key, anything else (lists included) replaces.
 * A null is kept, so that Helm still removes that key from the chart's own defaults.
 */
export function mergeValues(base: Readonly<Record<string, unknown>>, override: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isMap(value) && isMap(current) ? mergeValues(current, value) : value;
  }
  return out;
}

/** The values without their null keys, as Helm has them when it validates (a null removes a default). */
function withoutNulls(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== null)
      .map(([key, value]) => [key, isMap(value) ? withoutNulls(value) : value]),
  );
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
