import { Router } from 'express';
import { z } from 'zod';
import { CalendarYearModel } from '../../models/calendar';
import { requireAccess } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import type { AppContext } from '../context';
import { errors } from '../http/errors';
import { parse } from '../http/validate';
import type { WorkingCalendar } from '../../workflows/calendar';
import { describeRoute } from '../openapi/registry';

/**
 * The working-day calendar, kept as data an admin can edit. On first start it is seeded from the
 * `chinese-days` package (State Council holiday notices, maintained upstream) for the years that
 * package knows; a year the admin has edited is never overwritten by a seed.
 */

interface ChineseDays {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

export async function seedCalendar(): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const data = require('chinese-days/dist/chinese-days.json') as ChineseDays;
  const byYear = new Map<number, { holidays: string[]; workdays: string[] }>();
  const add = (date: string, kind: 'holidays' | 'workdays') => {
    const year = Number(date.slice(0, 4));
    if (!byYear.has(year)) byYear.set(year, { holidays: [], workdays: [] });
    byYear.get(year)![kind].push(date);
  };
  Object.keys(data.holidays).forEach((d) => add(d, 'holidays'));
  Object.keys(data.workdays).forEach((d) => add(d, 'workdays'));
  let seeded = 0;
  for (const [year, days] of byYear) {
    const res = await CalendarYearModel.updateOne(
      { _id: year },
      { $setOnInsert: { holidays: days.holidays.sort(), workdays: days.workdays.sort(), source: 'chinese-days', updatedAt: new Date(0), updatedBy: 'seed' } },
      { upsert: true },
    );
    seeded += res.upsertedCount;
  }
  return seeded;
}

/** The calendar as the deadline arithmetic uses it, cached briefly: it changes a few times a year. */
export class CalendarCache {
  private cached: { at: number; cal: WorkingCalendar } | null = null;
  constructor(private readonly ttlMs = 60_000) {}

  async get(): Promise<WorkingCalendar> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.cal;
    const years = await CalendarYearModel.find({}, { holidays: 1, workdays: 1 }).lean();
    const cal: WorkingCalendar = {
      holidays: new Set(years.flatMap((y) => y.holidays)),
      workdays: new Set(years.flatMap((y) => y.workdays)),
    };
    this.cached = { at: Date.now(), cal };
    return cal;
  }

  invalidate(): void {
    this.cached = null;
  }
}

const yearParam = z.coerce.number().int().min(2000).max(2100);
const dateOfYear = (year: number) =>
  z.iso.date().refine((d) => d.startsWith(`${year}-`), `must be a date in ${year}`);

export async function getCalendarYear(principal: Principal | undefined, rawYear: string) {
  requireAccess(principal, 'calendar.read');
  const year = parse(yearParam, rawYear, 'year');
  const doc = await CalendarYearModel.findById(year).lean();
  return { year, holidays: doc?.holidays ?? [], workdays: doc?.workdays ?? [], source: doc?.source ?? 'none', updatedAt: doc?.updatedAt?.toISOString() ?? null };
}

export async function putCalendarYear(ctx: AppContext, cache: CalendarCache, principal: Principal | undefined, rawYear: string, body: unknown) {
  const caller = requireAccess(principal, 'calendar.write');
  const year = parse(yearParam, rawYear, 'year');
  const input = parse(
    z.object({ holidays: z.array(dateOfYear(year)).max(366), workdays: z.array(dateOfYear(year)).max(366) }).strict(),
    body,
  );
  const overlap = input.holidays.filter((d) => input.workdays.includes(d));
  if (overlap.length) throw errors.invalidRequest('A day cannot be both a holiday and a working day.', overlap.map((d) => ({ path: 'workdays', message: d })));
  await CalendarYearModel.updateOne(
    { _id: year },
    { $set: { holidays: [...new Set(input.holidays)].sort(), workdays: [...new Set(input.workdays)].sort(), source: 'admin', updatedAt: ctx.clock.now(), updatedBy: caller.clientId } },
    { upsert: true },
  );
  cache.invalidate();
  return getCalendarYear(principal, String(year));
}

describeRoute({ method: 'get', path: '/calendar/:year', tag: 'Calendar', summary: 'The working-day calendar of a year: holidays and make-up working days (调休)', errors: [400, 401] });
describeRoute({ method: 'put', path: '/calendar/:year', tag: 'Calendar', summary: 'Replace a year of the calendar', roles: ['admin'], errors: [400, 401, 403] });

export function calendarRoutes(ctx: AppContext, cache: CalendarCache): Router {
  const r = Router();
  r.get('/calendar/:year', async (req, res) => {
    res.json(await getCalendarYear(req.principal, req.params.year));
  });
  r.put('/calendar/:year', async (req, res) => {
    res.json(await putCalendarYear(ctx, cache, req.principal, req.params.year, req.body));
  });
  return r;
}
