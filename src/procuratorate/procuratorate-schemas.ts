import { z } from 'zod';
import { registerLeadBody, districtName } from '../cases/case-schemas';
import { reference } from '../../workflows/fields';

/** HTTP schemas of the procuratorate liaison (检察机关衔接). Strict: unknown keys are a 400. */

/**
 * A lead transfer (线索移送): the body of a new case, with the channel fixed to
 * procuratorate_referral (it may be omitted) and the procuratorate's own reference required — it
 * is what makes a repeated transfer the same case.
 */
export const leadTransferBody = registerLeadBody
  .extend({
    channel: z.literal('procuratorate_referral').optional().meta({ description: 'Always procuratorate_referral; may be omitted' }),
    sourceRef: reference.meta({ description: "The procuratorate's own reference for the lead (e.g. its case number); a repeat from the same client returns the same case" }),
  })
  .strict();
export type LeadTransferInput = z.infer<typeof leadTransferBody>;

export const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 500;
export const FEED_MAX_WAIT_MS = 30_000;

export const changesQuery = z
  .object({
    after: z.string().max(200).optional().meta({ description: 'A cursor or nextCursor from an earlier reply; omitted: from the beginning' }),
    limit: z.coerce.number().int().min(1).max(FEED_MAX_LIMIT).default(FEED_DEFAULT_LIMIT),
    waitMs: z.coerce
      .number()
      .int()
      .min(0)
      .max(FEED_MAX_WAIT_MS)
      .default(0)
      .meta({ description: 'Long poll: when nothing is new, wait up to this long for a change before answering with no items' }),
  })
  .strict();

export const feedItemSchema = z.object({
  cursor: z.string(),
  caseId: z.string(),
  seq: z.number().int(),
  type: z.string(),
  at: z.string().meta({ format: 'date-time' }),
  state: z.string(),
});

export const changesReply = z.object({
  items: z.array(feedItemSchema),
  nextCursor: z.string().meta({ description: 'Continue with ?after=nextCursor; never null' }),
  hasMore: z.boolean().meta({ description: 'true: more items are available now; false: caught up (poll later, or long-poll with waitMs)' }),
});

export const lateNoticesQuery = z
  .object({
    district: districtName.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const lateNoticeKinds = ['overdue', 'notified_late', 'never_notified'] as const;

export const lateNoticeItem = z.object({
  caseId: z.string(),
  caseNo: z.string().nullable(),
  title: z.string(),
  district: z.string(),
  state: z.string(),
  openedAt: z.string().nullable(),
  dueAt: z.string(),
  kind: z.enum(lateNoticeKinds).meta({
    description: 'overdue: not notified and past due; notified_late: notified after the due time; never_notified: the case closed without a notice after the due time',
  }),
  notifiedAt: z.string().nullable(),
  daysLate: z.number().int(),
});

export const procuratorateNoticeSummary = z
  .object({ dueAt: z.string(), status: z.string(), overdue: z.boolean(), settledAt: z.string().nullable(), late: z.boolean() })
  .nullable();
