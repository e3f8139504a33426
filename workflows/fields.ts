import { z } from 'zod';

/**
 * Field types shared by the machine's event payloads and the HTTP schemas. Business times are
 * China Standard Time: a bare date `2026-03-01` means that day in Beijing.
 */

export const CST_OFFSET = '+08:00';

/** A date or a date-time; normalised to an ISO instant. Years 2000–2100 only (typos caught early). */
export const instant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00${CST_OFFSET}` : v).toISOString())
  .refine((v) => {
    const y = Number(v.slice(0, 4));
    return y >= 2000 && y <= 2100;
  }, 'must be between the years 2000 and 2100')
  .meta({ description: 'ISO 8601 date (YYYY-MM-DD, China Standard Time) or date-time with offset', format: 'date-time' });

/** A calendar date YYYY-MM-DD. */
export const calendarDate = z.iso.date().refine((v) => {
  const y = Number(v.slice(0, 4));
  return y >= 2000 && y <= 2100;
}, 'must be between the years 2000 and 2100');

export const text = (max = 2000) => z.string().trim().min(1).max(max);
export const shortText = text(200);
export const reference = z.string().trim().min(1).max(200).meta({ description: 'A document reference (文号) or external id' });
export const objectRef = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id of letters, digits, _ or -');

/** Money is integer fen (1 yuan = 100 fen). Ten trillion yuan is a sanity ceiling, not a rule. */
export const moneyFen = z.number().int().min(0).max(1_000_000_000_000_000);
export const positiveMoneyFen = moneyFen.refine((v) => v > 0, 'must be greater than 0');

export const quantity = z
  .object({
    value: z.number().positive().max(1e12),
    unit: z.string().trim().min(1).max(20).meta({ description: 'yuan, 万尾, 株, 亩, tCO2e, person-days, ...' }),
  })
  .strict();

/** The China Standard Time calendar date (YYYY-MM-DD) of an instant. */
export function cstDate(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
}
