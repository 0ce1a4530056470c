/**
 * A ScheduledBackup's `spec.schedule` as CloudNativePG reads it. Its webhook refuses a schedule that
 * robfig/cron v1.2.0's `cron.Parse` refuses (cloudnative-pg a95a534d, internal/webhook/v1/scheduledbackup_webhook.go:138;
 * go.mod:30), and its controller schedules with the same parser. This follows that parser (robfig/cron v1.2.0
 * parser.go and spec.go): six fields, seconds first, or a descriptor such as "@daily" or "@every 1h". It is
 * stricter in two places: five fields (which that parser reads as seconds to months, every day of the week, and
 * CloudNativePG only warns about) and a field that lists no value (which never fires) are refused too.
 */
import { GO_DURATION } from '../formats.js';

interface Bounds {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTHS = Object.fromEntries(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [m, i + 1]));
const WEEKDAYS = Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d, i) => [d, i]));

const FIELDS: readonly Bounds[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 6, names: WEEKDAYS },
];

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** Why CloudNativePG would refuse `schedule` (or not run it as meant), or undefined when it takes it. */
export function cnpgScheduleProblem(schedule: string): string | undefined {
  // The parser looks for a descriptor only at the very first character.
  if (schedule.startsWith('@')) {
    if (DESCRIPTORS.includes(schedule)) return undefined;
    if (schedule.startsWith('@every ')) {
      return GO_DURATION.test(schedule.slice('@every '.length)) ? undefined : 'must give "@every" a Go duration such as "@every 12h"';
    }
    return `is not a descriptor the parser knows (${DESCRIPTORS.join(', ')}, @every <duration>)`;
  }
  // Go's strings.Fields: any run of white space separates fields.
  const fields = schedule.split(/\s+/).filter(Boolean);
  if (fields.length !== 6) return `must have six fields, seconds first (CloudNativePG's cron), e.g. "0 0 3 * * *"; it has ${fields.length}`;
  for (const [i, field] of fields.entries()) {
    const problem = fieldProblem(field, FIELDS[i]!);
    if (problem) return `field ${i + 1} (${FIELDS[i]!.name}) ${JSON.stringify(field)} ${problem}`;
  }
  return undefined;
}

function fieldProblem(field: string, bounds: Bounds): string | undefined {
  const ranges = field.split(',').filter(Boolean);
  if (!ranges.length) return 'lists no value, so the backup would never run';
  for (const range of ranges) {
    const problem = rangeProblem(range, bounds);
    if (problem) return problem;
  }
  return undefined;
}

/** One `number | name | * | ?`, optionally `-end`, optionally `/step`, as getRange reads it. */
function rangeProblem(expr: string, bounds: Bounds): string | undefined {
  const [span, ...steps] = expr.split('/');
  if (steps.length > 1) return `has too many "/" in ${JSON.stringify(expr)}`;
  const ends = span!.split('-');
  if (ends.length > 2) return `has too many "-" in ${JSON.stringify(expr)}`;
  let start: number | string;
  let end: number | string;
  if (ends[0] === '*' || ends[0] === '?') {
    [start, end] = [bounds.min, bounds.max];
  } else {
    start = valueOf(ends[0]!, bounds);
    end = ends.length === 2 ? valueOf(ends[1]!, bounds) : start;
  }
  if (typeof start === 'string') return start;
  if (typeof end === 'string') return end;
  if (steps.length) {
    const step = valueOf(steps[0]!, { ...bounds, names: undefined });
    if (typeof step === 'string') return step;
    if (step === 0) return `has a step of 0 in ${JSON.stringify(expr)}; it must be positive`;
    // "N/step" means "N-max/step".
    if (ends.length === 1) end = bounds.max;
  }
  if (start < bounds.min) return `has ${start}, below ${bounds.min}: the ${bounds.name} runs from ${bounds.min} to ${bounds.max}`;
  if (end > bounds.max) return `has ${end}, above ${bounds.max}: the ${bounds.name} runs from ${bounds.min} to ${bounds.max}`;
  if (start > end) return `has the range ${JSON.stringify(expr)}, which starts after it ends`;
  return undefined;
}

/** A whole number (Go's strconv.Atoi: an optional sign, digits) or, for months and weekdays, a name. */
function valueOf(text: string, bounds: Bounds): number | string {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^[+-]?\d+$/.test(text)) {
    const names = bounds.names ? ` or a name such as ${JSON.stringify(Object.keys(bounds.names)[0]!.toUpperCase())}` : '';
    return `has ${JSON.stringify(text)}, which is not a number${names}`;
  }
  const value = Number(text);
  return value < 0 ? `has ${text}: negative numbers are not allowed` : value;
}
