/**
 * Calendar dates (YYYY-MM-DD) as whole day numbers since 1970-01-01, so that the matching module
 * compares dates with integer arithmetic and never touches `Date` or the clock.
 */

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digits(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + (s.charCodeAt(i) - 48);
  return v;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to the proleptic Gregorian date y-m-d (m 1..12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The `YYYY-MM-DD` text of a day number (inverse of `daysFromCivil`). */
export function dateOfDay(day: number): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** Day number of a `YYYY-MM-DD` date; throws a RangeError naming the field on anything else. */
export function dayNumber(date: string, field = 'date'): number {
  if (typeof date !== 'string' || date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) {
    throw new RangeError(`${field} must be a YYYY-MM-DD date, got ${JSON.stringify(date)}`);
  }
  for (let i = 0; i < 10; i++) {
    if (i !== 4 && i !== 7 && !isDigit(date.charCodeAt(i))) {
      throw new RangeError(`${field} must be a YYYY-MM-DD date, got ${JSON.stringify(date)}`);
    }
  }
  const y = digits(date, 0, 4);
  const m = digits(date, 5, 7);
  const d = digits(date, 8, 10);
  const maxDay = m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1];
  if (m < 1 || m > 12 || d < 1 || d > maxDay) {
    throw new RangeError(`${field} is not a calendar date: ${date}`);
  }
  return daysFromCivil(y, m, d);
}

/** Day number of an optional date; NaN when absent. */
export function optionalDayNumber(date: string | undefined, field: string): number {
  return date === undefined || date === '' ? Number.NaN : dayNumber(date, field);
}
