import { CST_OFFSET, cstDate } from './fields';
import type { Period } from './rules';

/**
 * Working-day arithmetic over a calendar kept as data: public holidays and the weekend days that
 * are working days (调休). Saturdays and Sundays rest unless listed as working days.
 */
export interface WorkingCalendar {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
}

export const emptyCalendar: WorkingCalendar = { holidays: new Set(), workdays: new Set() };

function shiftDate(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, cal: WorkingCalendar): boolean {
  if (cal.holidays.has(date)) return false;
  if (cal.workdays.has(date)) return true;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The n-th working day after `date` (the start day itself is not counted). */
export function addWorkingDays(date: string, n: number, cal: WorkingCalendar): string {
  let d = date;
  let left = n;
  while (left > 0) {
    d = shiftDate(d, 1);
    if (isWorkingDay(d, cal)) left -= 1;
  }
  return d;
}

function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // 29 February plus a year is 28 February, as in the Civil Code's reading of periods.
  const lastDay = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return `${String(y + years).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/**
 * The last day of a period that starts at `anchor`: counting begins the next day, and when a
 * calendar-day period ends on a rest day it ends on the next working day instead (the rule for
 * periods in Chinese civil procedure). Returns that day's end, 23:59:59.999 China Standard Time.
 */
export function dueDateOf(anchorIso: string, period: Period, cal: WorkingCalendar): string {
  const start = cstDate(anchorIso);
  let last: string;
  switch (period.unit) {
    case 'working_days':
      last = addWorkingDays(start, period.amount, cal);
      break;
    case 'calendar_days':
      last = shiftDate(start, period.amount);
      while (!isWorkingDay(last, cal)) last = shiftDate(last, 1);
      break;
    case 'years':
      last = addYears(start, period.amount);
      while (!isWorkingDay(last, cal)) last = shiftDate(last, 1);
      break;
  }
  return endOfCstDay(last);
}

export function endOfCstDay(date: string): string {
  return new Date(`${date}T23:59:59.999${CST_OFFSET}`).toISOString();
}

/** An explicit due date given by a person: a bare date means the end of that day in Beijing. */
export function explicitDue(iso: string): string {
  // `instant` turns a bare date into 00:00 CST; read that as "by the end of that day".
  return iso.endsWith('T16:00:00.000Z') ? endOfCstDay(cstDate(iso)) : iso;
}
