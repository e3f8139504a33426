import type { CaseContext, CaseEventOf, CaseMachineEvent, Obligation } from './case-context';
import type { CaseEventType, ObligationInput } from './case-events';
import type { Outcome } from './vocabulary';

/**
 * What each accepted event records in the case's context. Pure: the machine decides *whether* and
 * *where* an event goes; these functions only say what it writes down.
 */

function newObligations(ctx: CaseContext, inputs: ObligationInput[], source: Obligation['source'], at: string) {
  let n = ctx.nextObligationNo;
  const created: Obligation[] = inputs.map((input) => ({
    ...input,
    id: `O${n++}`,
    status: 'pending',
    source,
    paidFen: 0,
    escrowDeposits: [],
    evidenceRefs: [],
    updatedAt: at,
  }));
  return { obligations: [...ctx.obligations, ...created], nextObligationNo: n };
}

function updateObligation(ctx: CaseContext, id: string, change: (o: Obligation) => Obligation): Obligation[] {
  return ctx.obligations.map((o) => (o.id === id ? change(o) : o));
}

function close(outcome: Outcome, at: string): Partial<CaseContext> {
  return { outcome, closedAt: at };
}

type ReducerTable = { [K in CaseEventType]: (ctx: CaseContext, ev: CaseEventOf<K>) => Partial<CaseContext> };

export const reducers: ReducerTable = {
  SCREENED: (_c, ev) => ({
    screening: { ...ev.payload, at: ev.at },
    // A duplicate or out-of-scope lead is screened out: not a decision not to start a claim.
    ...(ev.payload.outcome === 'verify' ? {} : close('screened_out', ev.at)),
  }),
  PRIOR_PENALTY_RECORDED: (c, ev) => ({
    priorPenalties: [...(c.priorPenalties ?? []), { ...ev.payload, at: ev.at }],
  }),
  DAMAGE_CONFIRMED: (_c, ev) => ({ verification: { damage: true, findings: ev.payload.findings, at: ev.at } }),
  NO_DAMAGE: (_c, ev) => ({ verification: { damage: false, reason: ev.payload.reason, at: ev.at }, ...close('no_damage', ev.at) }),
  CLAIM_STARTED: (_c, ev) => ({ claim: { started: true, at: ev.at } }),
  CLAIM_NOT_STARTED: (_c, ev) => ({
    claim: { started: false, at: ev.at, reasonCode: ev.payload.reasonCode, note: ev.payload.note, ...(ev.payload.priorPenaltyRef ? { priorPenaltyRef: ev.payload.priorPenaltyRef } : {}) },
    ...close('not_started', ev.at),
  }),
  PROCURATORATE_NOTIFIED: (c, ev) => ({
    procuratorate: { ...c.procuratorate, notified: { procuratorate: ev.payload.procuratorate, noticeRef: ev.payload.noticeRef, at: ev.at } },
  }),
  MARKED_MAJOR: (_c, ev) => ({ major: true, majorBasis: ev.payload.basis }),
  COLLECTIVE_REVIEW_RECORDED: (c, ev) => ({
    collectiveReview: { stage: c.stage, decision: ev.payload.decision, minutesRef: ev.payload.minutesRef, ...(ev.payload.attendees ? { attendees: ev.payload.attendees } : {}), recordedBy: ev.actor.clientId, at: ev.at },
  }),
  INVESTIGATION_CONCLUDED: (_c, ev) => ({
    investigation: { ...ev.payload, at: ev.at },
    ...(ev.payload.conclusion === 'terminate' ? close('terminated', ev.at) : {}),
  }),
  ASSESSMENT_COMPLETED: (_c, ev) => ({ assessment: { ...ev.payload, at: ev.at } }),
  CONSULTATION_NOTICE_SERVED: (c, ev) => ({
    consultation: { ...c.consultation, noticeServedAt: ev.payload.servedAt, replyDueAt: ev.payload.replyDueAt },
  }),
  OBLIGOR_REPLIED: (c, ev) => ({ consultation: { ...c.consultation, reply: ev.payload.reply, repliedAt: ev.at } }),
  CONSULTATION_MEETING_HELD: (c, ev) => ({
    consultation: {
      ...c.consultation,
      meetings: [
        ...c.consultation.meetings,
        { heldAt: ev.payload.heldAt, obligorAttended: ev.payload.obligorAttended, attendees: ev.payload.attendees ?? [], minutesRef: ev.payload.minutesRef },
      ],
    },
  }),
  CONSULTATION_AGREED: (c, ev) => ({
    consultation: { ...c.consultation, agreedAt: ev.at },
    agreement: {},
    ...newObligations(c, ev.payload.obligations, 'agreement', ev.at),
  }),
  CONSULTATION_FAILED: (c, ev) => ({
    consultation: { ...c.consultation, failure: { reasonCode: ev.payload.reasonCode, note: ev.payload.note, at: ev.at } },
  }),
  RECONSULTATION_STARTED: (c) => ({
    pastConsultations: [...c.pastConsultations, c.consultation],
    consultation: { round: c.consultation.round + 1, meetings: [] },
  }),
  LAWSUIT_FILED: (c, ev) => ({
    litigation: { ...ev.payload },
    // The duties of an unperformed agreement that are sued for are in default until the judgment.
    ...(ev.payload.obligationIds ? { obligations: c.obligations.map((o) => (ev.payload.obligationIds!.includes(o.id) ? { ...o, status: 'defaulted' as const, updatedAt: ev.at } : o)) } : {}),
  }),
  HANDED_TO_PROCURATORATE: (c, ev) => ({
    procuratorate: { ...c.procuratorate, handedTo: { procuratorate: ev.payload.procuratorate, note: ev.payload.note, at: ev.at } },
  }),
  PUBLIC_NOTICE_ISSUED: (c, ev) => ({
    procuratorate: { ...c.procuratorate, publicNotice: { noticeRef: ev.payload.noticeRef, publishedAt: ev.payload.publishedAt, at: ev.at } },
  }),
  REPLIED_TO_PROCURATORATE: (c, ev) => ({
    procuratorate: { ...c.procuratorate, reply: { letterRef: ev.payload.letterRef, intent: ev.payload.intent, ...(ev.payload.note ? { note: ev.payload.note } : {}), at: ev.at } },
  }),
  DEEMED_NOT_PURSUED: (c, ev) => ({
    procuratorate: { ...c.procuratorate, deemedNotPursued: { ...ev.payload, at: ev.at } },
  }),
  AGREEMENT_SIGNED: (c, ev) => ({ agreement: { ...c.agreement, ...ev.payload } }),
  JUDICIAL_CONFIRMATION_APPLIED: (_c, ev) => ({
    judicialConfirmation: { court: ev.payload.court, appliedAt: ev.payload.appliedAt, ...(ev.payload.noticePublishedAt ? { noticePublishedAt: ev.payload.noticePublishedAt } : {}) },
  }),
  JUDICIAL_NOTICE_PUBLISHED: (c, ev) => ({
    judicialConfirmation: { ...c.judicialConfirmation!, noticePublishedAt: ev.payload.publishedAt, ...(ev.payload.noticeRef ? { noticeRef: ev.payload.noticeRef } : {}) },
  }),
  JUDICIAL_CONFIRMATION_RULED: (c, ev) => {
    const ruling = { ...c.judicialConfirmation!, result: ev.payload.result, rulingRef: ev.payload.rulingRef, ruledAt: ev.at };
    if (ev.payload.result === 'confirmed') return { judicialConfirmation: ruling, enforceable: true };
    // A rejected agreement binds no one: its obligations go, and consultation starts a new round.
    return {
      judicialConfirmation: ruling,
      agreement: undefined,
      obligations: c.obligations.filter((o) => o.source !== 'agreement'),
      pastConsultations: [...c.pastConsultations, c.consultation],
      consultation: { round: c.consultation.round + 1, meetings: [] },
    };
  },
  JUDICIAL_CONFIRMATION_WAIVED: () => ({}),
  SUPPORT_PROVIDED: (c, ev) => ({
    procuratorate: { ...c.procuratorate, supportProvided: [...c.procuratorate.supportProvided, { note: ev.payload.note, at: ev.at }] },
  }),
  PUBLIC_INTEREST_SUIT_FILED: (c, ev) => ({ procuratorate: { ...c.procuratorate, suit: { ...ev.payload } } }),
  JUDGMENT_EFFECTIVE: (c, ev) => {
    // A judgment on an unperformed agreement takes the place of the duties sued for (kept for the record).
    const sued = c.litigation?.basis === 'agreement_default' ? (c.litigation.obligationIds ?? []) : [];
    const base = sued.length
      ? { ...c, obligations: c.obligations.filter((o) => !sued.includes(o.id)), supersededObligations: [...(c.supersededObligations ?? []), ...c.obligations.filter((o) => sued.includes(o.id))] }
      : c;
    return {
      judgment: { outcome: ev.payload.outcome, judgmentRef: ev.payload.judgmentRef, at: ev.at, by: ev.actor.role },
      ...(ev.payload.outcome === 'dismissed'
        ? close('dismissed', ev.at)
        : { enforceable: true, ...(sued.length ? { supersededObligations: base.supersededObligations } : {}), ...newObligations(base, ev.payload.obligations ?? [], 'judgment', ev.at) }),
    };
  },
  OBLIGATION_PROGRESS: (c, ev) => ({
    obligations: updateObligation(c, ev.payload.obligationId, (o) => ({
      ...o,
      status: ev.payload.status,
      paidFen: o.paidFen + (ev.payload.paidFen ?? 0),
      evidenceRefs: ev.payload.evidenceRef ? [...o.evidenceRefs, ev.payload.evidenceRef] : o.evidenceRefs,
      updatedAt: ev.at,
    })),
  }),
  ESCROW_DEPOSITED: (c, ev) => ({
    obligations: updateObligation(c, ev.payload.obligationId, (o) => {
      const escrowDeposits = [...o.escrowDeposits, { ...ev.payload, obligationId: undefined }].map(({ amountFen, notary, certificateNo, depositedAt }) => ({
        amountFen, notary, certificateNo, depositedAt,
      }));
      const deposited = escrowDeposits.reduce((s, d) => s + d.amountFen, 0);
      // The deposit discharges the liability (Suzhou's model) once it covers the amount owed.
      const performed = o.amountFen === undefined || deposited >= o.amountFen;
      return { ...o, escrowDeposits, status: performed ? 'performed' : 'in_progress', updatedAt: ev.at };
    }),
  }),
  MONEY_RECORD_REVERSED: (c, ev) => {
    const record = ev.facts.moneyRecord;
    if (!record) return {}; // refused by its guard before any transition
    return {
      reversedMoneyRecords: [...(c.reversedMoneyRecords ?? []), record.seq],
      obligations: updateObligation(c, record.obligationId, (o) => {
        if (record.type === 'ESCROW_DEPOSITED') {
          const escrowDeposits = o.escrowDeposits.filter((d) => d.certificateNo !== record.certificateNo);
          const deposited = escrowDeposits.reduce((s, d) => s + d.amountFen, 0);
          const status = o.amountFen !== undefined && deposited >= o.amountFen ? 'performed' : deposited > 0 ? 'in_progress' : 'pending';
          return { ...o, escrowDeposits, status, updatedAt: ev.at };
        }
        const paidFen = Math.max(0, o.paidFen - record.amountFen);
        const status = o.status === 'performed' && o.amountFen !== undefined && paidFen < o.amountFen ? 'in_progress' : o.status;
        return { ...o, paidFen, status, updatedAt: ev.at };
      }),
    };
  },
  ENFORCEMENT_APPLIED: (c, ev) => ({
    obligations: updateObligation(c, ev.payload.obligationId, (o) => ({ ...o, status: 'enforced', enforcement: { court: ev.payload.court, at: ev.at }, updatedAt: ev.at })),
  }),
  EVALUATION_PASSED: (_c, ev) => ({ evaluation: { result: 'passed', reportRef: ev.payload.reportRef, at: ev.at } }),
  EVALUATION_FAILED: (c, ev) => ({
    evaluation: { result: 'failed', at: ev.at },
    evaluationsFailed: c.evaluationsFailed + 1,
    ...newObligations(c, ev.payload.followUp, 'follow_up', ev.at),
  }),
  EVALUATION_EXEMPTED: (_c, ev) => ({ evaluation: { result: 'exempted', reasonCode: ev.payload.reasonCode, note: ev.payload.note, at: ev.at } }),
  CASE_CLOSED: (_c, ev) => ({ archiveRef: ev.payload.archiveRef, ...close('completed', ev.at) }),
  TERMINATED: (_c, ev) => ({ termination: { ...ev.payload, at: ev.at }, ...close('terminated', ev.at) }),
  DEADLINE_EXTENDED: () => ({}),
  SUSPENDED: (c, ev) => ({ suspension: { reason: ev.payload.reason, at: ev.at, from: c.stage } }),
  RESUMED: () => ({ suspension: undefined }),
};

export function reduce(ctx: CaseContext, event: CaseMachineEvent): CaseContext {
  const reducer = reducers[event.type] as (c: CaseContext, e: CaseMachineEvent) => Partial<CaseContext>;
  const next = { ...ctx, ...reducer(ctx, event) };
  // Undefined values are dropped so that the stored snapshot equals the computed one.
  for (const key of Object.keys(next) as (keyof CaseContext)[]) if (next[key] === undefined) delete next[key];
  return next;
}
