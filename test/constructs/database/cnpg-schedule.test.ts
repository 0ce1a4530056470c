/**
 * The ScheduledBackup schedules CloudNativePG's webhook takes: those robfig/cron v1.2.0's cron.Parse takes (its
 * parser.go and spec.go), six fields, and each field's bounds at and one past its limit.
 */
import { describe, expect, it } from '@jest/globals';
import { cnpgScheduleProblem } from '../../../constructs/database/cnpg-schedule.js';

describe('cnpgScheduleProblem', () => {
  it.each([
    '0 0 3 * * *',
    '59 59 23 31 12 6',
    '0 0 0 1 1 0',
    '*/15 0-30/5 1,13 ? JAN-mar SUN',
    '0 0 3 * * mon-Fri',
    '0  0\t3 * * *',
    '+5 05 3 * * *',
    '0 30 2/4 * * *',
    '@daily',
    '@midnight',
    '@every 12h',
    '@every 1h30m',
  ])('takes %p', (schedule) => {
    expect(cnpgScheduleProblem(schedule)).toBeUndefined();
  });

  it.each([
    ['60 0 3 * * *', 'field 1 (second) "60" has 60, above 59: the second runs from 0 to 59'],
    ['0 60 3 * * *', 'field 2 (minute) "60" has 60, above 59: the minute runs from 0 to 59'],
    ['0 0 24 * * *', 'field 3 (hour) "24" has 24, above 23: the hour runs from 0 to 23'],
    ['0 0 3 0 * *', 'field 4 (day of month) "0" has 0, below 1: the day of month runs from 1 to 31'],
    ['0 0 3 32 * *', 'field 4 (day of month) "32" has 32, above 31: the day of month runs from 1 to 31'],
    ['0 0 3 * 0 *', 'field 5 (month) "0" has 0, below 1: the month runs from 1 to 12'],
    ['0 0 3 * 13 *', 'field 5 (month) "13" has 13, above 12: the month runs from 1 to 12'],
    ['0 0 3 * * 7', 'field 6 (day of week) "7" has 7, above 6: the day of week runs from 0 to 6'],
    ['0 0 3 * * MONX', 'field 6 (day of week) "MONX" has "MONX", which is not a number or a name such as "SUN"'],
    ['0 0 3 * JANUARY *', 'field 5 (month) "JANUARY" has "JANUARY", which is not a number or a name such as "JAN"'],
    ['0 0 x * * *', 'field 3 (hour) "x" has "x", which is not a number'],
    ['0 0 -1 * * *', 'field 3 (hour) "-1" has "", which is not a number'],
    ['0 0 5-3 * * *', 'field 3 (hour) "5-3" has the range "5-3", which starts after it ends'],
    ['0 0 1-2-3 * * *', 'field 3 (hour) "1-2-3" has too many "-" in "1-2-3"'],
    ['0 */0 3 * * *', 'field 2 (minute) "*/0" has a step of 0 in "*/0"; it must be positive'],
    ['0 */5/2 3 * * *', 'field 2 (minute) "*/5/2" has too many "/" in "*/5/2"'],
    ['0 0 3 * * ,', 'field 6 (day of week) "," lists no value, so the backup would never run'],
    ['0 3 * * *', 'must have six fields, seconds first (CloudNativePG\'s cron), e.g. "0 0 3 * * *"; it has 5'],
    ['0 0 0 3 * * *', 'must have six fields, seconds first (CloudNativePG\'s cron), e.g. "0 0 3 * * *"; it has 7'],
    ['', 'must have six fields, seconds first (CloudNativePG\'s cron), e.g. "0 0 3 * * *"; it has 0'],
    ['@fortnightly', 'is not a descriptor the parser knows (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>)'],
    ['@every day', 'must give "@every" a Go duration such as "@every 12h"'],
    // The parser looks for a descriptor at the first character only.
    [' @daily', 'must have six fields, seconds first (CloudNativePG\'s cron), e.g. "0 0 3 * * *"; it has 1'],
  ])('refuses %p', (schedule, problem) => {
    expect(cnpgScheduleProblem(schedule)).toBe(problem);
  });

  it('reads the step of "N/step" up to the field\'s maximum, as the parser does', () => {
    // "30/30" is 30-59/30: fine for minutes; "24/1" starts past the hours' maximum.
    expect(cnpgScheduleProblem('0 30/30 3 * * *')).toBeUndefined();
    expect(cnpgScheduleProblem('0 0 24/1 * * *')).toBe('field 3 (hour) "24/1" has the range "24/1", which starts after it ends');
  });
});
