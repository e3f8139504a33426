import { z } from 'zod';
import { notStartReasons, terminationReasons } from './vocabulary';

/**
 * Every time limit and threshold of the procedure is a configurable rule (domain.md: many figures
 * are "in principle" or set by each province). These are the defaults; a deployment overrides any
 * of them with RULES_FILE (JSON, validated by `rulesSchema`).
 */

const period = z
  .object({
    amount: z.number().int().positive().max(100_000),
    unit: z.enum(['calendar_days', 'working_days', 'years']),
  })
  .strict();
export type Period = z.infer<typeof period>;

export const deadlineRuleNames = [
  'verification_30d',
  'procuratorate_notice_15d',
  'public_notice_30d',
  'consultation_90d',
  'obligor_reply',
  'judicial_confirmation_notice_30d',
  'escrow_lapse_5y',
] as const;
export type DeadlineRuleName = (typeof deadlineRuleNames)[number];

/** Roles that may extend a deadline with DEADLINE_EXTENDED. */
const extenders = z.array(z.enum(['handler', 'reviewer', 'procuratorate'])).max(3);

export const rulesSchema = z
  .object({
    periods: z
      .object({
        verification_30d: period,
        procuratorate_notice_15d: period,
        public_notice_30d: period,
        consultation_90d: period,
        judicial_confirmation_notice_30d: period,
        escrow_lapse_5y: period,
        /** Used when a consultation notice gives no reply date of its own. */
        obligor_reply: period,
      })
      .strict(),
    /**
     * Who may extend which deadline (DEADLINE_EXTENDED, always with a reason). A rule not listed, or
     * listed with no role, is never extended: the 15-day notice to the procuratorate, the court's
     * notice period, the Civil Code's 5-year escrow lapse. Replaced whole by RULES_FILE.
     */
    deadlineExtensions: z.partialRecord(z.enum(deadlineRuleNames), extenders),
    /**
     * The bureau's own periods, which suspension (中止) pauses: on RESUMED they move later by the time
     * suspended. Court, procuratorate and Civil Code periods run on. Replaced whole by RULES_FILE.
     */
    pausedBySuspension: z.array(z.enum(deadlineRuleNames)).max(deadlineRuleNames.length),
    /**
     * The coded grounds a deployment accepts for not starting a claim and for terminating one
     * (subsets of the vocabulary; the 2025 opinions' additions are uncertain in wording, so a
     * province can switch them off here). Replaced whole by RULES_FILE.
     */
    notStartGrounds: z.array(z.enum(notStartReasons.values)).min(1),
    terminationGrounds: z.array(z.enum(terminationReasons.values)).min(1),
    /** consultation_meetings_3: meetings held before "meetings exhausted" may be declared. */
    consultationMeetingLimit: z.number().int().min(1).max(20),
    /** 小案简办: simplified assessment only up to this amount (default 300,000 yuan). */
    simpleCaseCeilingFen: z.number().int().positive(),
    /** 显著轻微: an estimated damage above this is not "significantly minor" (default 3,000 yuan). */
    significantlyMinorCeilingFen: z.number().int().nonnegative(),
    /** Re-offence window for the significantly-minor exclusion. */
    reoffenceWindowYears: z.number().int().min(1).max(10),
    /** Escrow unallocated longer than this is flagged on the ledger. */
    escrowUnallocatedFlagDays: z.number().int().min(1).max(3650),
    /** Case number format: {year} and {seq} (zero-padded to seqWidth). */
    caseNoFormat: z.string().min(1).max(100).refine((f) => f.includes('{seq}'), 'must contain {seq}'),
    caseNoSeqWidth: z.number().int().min(1).max(8),
  })
  .strict();

export type WorkflowRules = z.infer<typeof rulesSchema>;

export const defaultRules: WorkflowRules = {
  periods: {
    verification_30d: { amount: 30, unit: 'calendar_days' },
    procuratorate_notice_15d: { amount: 15, unit: 'calendar_days' },
    public_notice_30d: { amount: 30, unit: 'calendar_days' },
    consultation_90d: { amount: 90, unit: 'calendar_days' },
    judicial_confirmation_notice_30d: { amount: 30, unit: 'calendar_days' },
    escrow_lapse_5y: { amount: 5, unit: 'years' },
    obligor_reply: { amount: 15, unit: 'working_days' },
  },
  deadlineExtensions: {
    verification_30d: ['handler', 'reviewer'],
    consultation_90d: ['handler', 'reviewer'],
    obligor_reply: ['handler', 'reviewer'],
    public_notice_30d: ['procuratorate'],
  },
  pausedBySuspension: ['verification_30d', 'procuratorate_notice_15d', 'consultation_90d', 'obligor_reply'],
  notStartGrounds: [...notStartReasons.values],
  terminationGrounds: [...terminationReasons.values],
  consultationMeetingLimit: 3,
  simpleCaseCeilingFen: 30_000_000,
  significantlyMinorCeilingFen: 300_000,
  reoffenceWindowYears: 2,
  escrowUnallocatedFlagDays: 365,
  caseNoFormat: '苏环赔〔{year}〕{seq}号',
  caseNoSeqWidth: 4,
};

/** The roles that may extend a deadline of this rule (none: it is never extended). */
export function extendersOf(rules: WorkflowRules, rule: string): readonly string[] {
  return rules.deadlineExtensions[rule as DeadlineRuleName] ?? [];
}

/** Merges a partial override (from RULES_FILE) over the defaults and validates the result. */
export function resolveRules(override: unknown): WorkflowRules {
  const o = (override ?? {}) as Partial<WorkflowRules>;
  const merged = { ...defaultRules, ...o, periods: { ...defaultRules.periods, ...(o.periods ?? {}) } };
  return rulesSchema.parse(merged);
}
