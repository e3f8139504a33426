import { z } from 'zod';
import { calendarDate } from '../../workflows/fields';
import { deadlineRuleNames } from '../../workflows/rules';
import { districtName } from '../cases/case-schemas';
import { limitParam } from '../http/pagination';
import { groupDimensions, kpiKeys } from './kpi-definitions';

/** HTTP schemas of the statistics endpoints. Strict: unknown query keys are a 400. */

export const kpiQuery = z
  .object({
    from: calendarDate.optional().meta({ description: 'First day of the period (YYYY-MM-DD, China Standard Time), included' }),
    to: calendarDate.optional().meta({ description: 'Last day of the period (YYYY-MM-DD, China Standard Time), included' }),
    district: districtName.optional().meta({ description: 'One district (must be within the caller\'s districts); default: all the caller may see' }),
    groupBy: z.enum(groupDimensions).optional().meta({ description: 'Also break the KPIs down by district, channel or case class' }),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type KpiQuery = z.infer<typeof kpiQuery>;

export const overdueQuery = z
  .object({
    district: districtName.optional(),
    rule: z.enum(deadlineRuleNames).optional(),
    limit: limitParam,
    cursor: z.string().max(300).optional(),
  })
  .strict();

/** Position in the overdue list (dueAt asc, caseId asc, deadline id asc). */
export const overdueCursor = z
  .object({ t: z.number().int(), c: z.string().min(1).max(100), d: z.string().min(1).max(100) })
  .strict();

const labels = z.object({ zh: z.string(), en: z.string() });
const rate = z.object({ value: z.number().nullable(), numerator: z.number(), denominator: z.number() });
const days = rate.extend({ mean: z.number().nullable(), p90: z.number().nullable() }).meta({ description: 'value: the median in days; numerator ÷ denominator: the mean' });
const counts = z.record(z.string(), z.number());

const kpiShape = {
  initiationRate: rate.extend({
    reportedApart: z.object({ cohort: z.number(), notStartedByReason: counts, terminatedBeforeStart: z.number(), pendingDecision: z.number(), deemedNotPursued: z.number() }),
  }),
  closureRate: rate.extend({
    reportedApart: z.object({ cohort: z.number(), terminatedByReason: counts, notStartedInPeriod: z.number(), dismissed: z.number(), stillOpen: z.number() }),
  }),
  restorationRate: rate.extend({
    reportedApart: z.object({ cohort: z.number(), terminatedWithDuty: z.number(), byStatus: counts, escrowUnallocated: z.number() }),
  }),
  verificationOnTimeRate: rate.extend({ reportedApart: z.object({ cohort: z.number(), pending: z.number(), cancelled: z.number() }) }),
  procuratorateNoticeOnTimeRate: rate.extend({ reportedApart: z.object({ cohort: z.number(), pending: z.number(), cancelled: z.number() }) }),
  consultationSuccessRate: rate.extend({ reportedApart: z.object({ cohort: z.number(), ongoing: z.number(), terminated: z.number(), reconsulted: z.number() }) }),
  daysToAgreement: days,
  judicialConfirmationRate: rate.extend({
    reportedApart: z.object({ cohort: z.number(), pending: z.number(), awaitingRuling: z.number(), rejected: z.number(), waived: z.number() }),
  }),
  moneyReceivedRate: rate,
  treasuryReceivedRate: rate,
  escrowReceivedRate: rate,
  thirdPartyReceivedRate: rate,
  escrowAllocationRate: rate.extend({
    reportedApart: z.object({ ageing: z.array(z.object({ bucket: z.string(), labels, unallocatedFen: z.number(), deposits: z.number() })) }),
  }),
  daysLeadToClosure: days.extend({
    reportedApart: z.object({ byClass: z.record(z.string(), z.object({ median: z.number().nullable(), count: z.number() })) }),
  }),
} satisfies Record<(typeof kpiKeys)[number], z.ZodType>;

export const kpiReply = z.object({
  ...kpiShape,
  period: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  district: z.string().nullable(),
  generatedAt: z.string(),
  asOf: z.string().nullable().meta({ description: 'When every case was last read in full; changes committed through this instance since are included too' }),
  cases: z.object({ received: z.number(), open: z.number(), closed: z.number(), overdue: z.number() }),
  casesByState: z.array(z.object({ state: z.string(), label: labels, count: z.number() })),
  casesByDistrict: z.array(z.object({ district: z.string(), count: z.number() })),
  groupBy: z.enum(groupDimensions).nullable(),
  groups: z
    .array(z.object({ key: z.string(), label: z.string(), ...kpiShape, cases: z.object({ received: z.number() }) }))
    .optional()
    .meta({ description: 'With ?groupBy=: the same KPIs for each group' }),
});

const kpiTexts = z.object({
  cohort: z.string().meta({ description: 'Which cases the figure counts, dated by what' }),
  numerator: z.string(),
  denominator: z.string(),
  excluded: z.string(),
  reportedApart: z.string(),
});

export const definitionsReply = z.object({
  items: z.array(
    z.object({
      key: z.string(),
      kind: z.enum(['ratio', 'money', 'days']),
      labels,
      ...kpiTexts.shape,
      zh: kpiTexts.meta({ description: 'The same five texts in Chinese (统计对象、分子、分母、不计入、另行列示)' }),
    }),
  ),
});

export const overdueReply = z.object({
  asOf: z.string().nullable(),
  now: z.string(),
  total: z.number(),
  summary: z.array(z.object({ district: z.string(), rule: z.string(), label: labels, count: z.number(), oldestDueAt: z.string() })),
  items: z.array(
    z.object({
      caseId: z.string(),
      caseNo: z.string().nullable(),
      title: z.string(),
      district: z.string(),
      state: z.string(),
      stateLabel: labels,
      deadlineId: z.string(),
      rule: z.string(),
      label: labels,
      dueAt: z.string(),
      daysOverdue: z.number(),
      status: z.enum(['open', 'missed']),
    }),
  ),
  nextCursor: z.string().nullable(),
});
