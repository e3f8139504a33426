import type { CaseDocument } from '../../models/case';
import { isoOrNull as iso } from '../dates';
import type { Principal } from '../auth/principal';
import type { CaseContext } from '../../workflows/case-context';
import { roleMaySend } from '../../workflows/case-events';
import { offeredEventTypes, restoreCase, topStateOf, type PersistedCaseSnapshot } from '../../workflows/case-runtime';
import { countsAsDue, deadlineRules } from '../../workflows/deadlines';
import type { CaseMachine } from '../../workflows/case-machine';
import type { Labels } from '../../workflows/vocabulary';
import { extendersOf, type DeadlineRuleName, type WorkflowRules } from '../../workflows/rules';
import type { CaseRecord } from './case-repository';

/** How a case looks to API clients. Built from the stored document alone; dates as ISO strings. */


export interface ViewDeps {
  machine: CaseMachine;
  rules: WorkflowRules;
  stateLabels: Map<string, Labels>;
  now: Date;
}

/** Whether this reader may extend this deadline: it is live and the rules let the reader's role extend it. */
function mayExtend(d: CaseDocument['deadlines'][number], role: string, rules: WorkflowRules): boolean {
  return (d.status === 'open' || d.status === 'missed') && extendersOf(rules, d.rule).includes(role);
}

export function deadlineView(d: CaseDocument['deadlines'][number], now: Date, reader?: { role: string; rules: WorkflowRules }) {
  const rule = d.rule as DeadlineRuleName;
  const due = new Date(d.dueAt);
  return {
    id: d.id,
    rule: d.rule,
    label: deadlineRules[rule]?.labels ?? { zh: d.rule, en: d.rule },
    ...(d.ref ? { ref: d.ref } : {}),
    startAt: iso(d.startAt),
    dueAt: iso(d.dueAt),
    status: d.status,
    overdue: d.status === 'missed' || (d.status === 'open' && due < now && countsAsDue(d.rule)),
    ...(countsAsDue(d.rule) ? {} : { notBefore: true }),
    ...(d.settledAt ? { settledAt: iso(d.settledAt) } : {}),
    ...(d.missedAt ? { missedAt: iso(d.missedAt) } : {}),
    ...(d.metLate ? { metLate: true } : {}),
    extensions: (d.extensions ?? []).map((e) => ({ from: iso(e.from), to: iso(e.to), reason: e.reason, seq: e.seq })),
    ...(reader ? { mayExtend: mayExtend(d, reader.role, reader.rules) } : {}),
  };
}

export function caseSummary(doc: CaseRecord, deps: Pick<ViewDeps, 'stateLabels'>) {
  return {
    id: doc._id,
    caseNo: doc.caseNo ?? null,
    title: doc.title,
    district: doc.district,
    channel: doc.channel,
    state: doc.state,
    stateLabel: deps.stateLabels.get(doc.state) ?? { zh: doc.state, en: doc.state },
    version: doc.version,
    major: doc.major ?? false,
    overdue: doc.overdue ?? false,
    outcome: doc.outcome ?? null,
    receivedAt: iso(doc.receivedAt),
    openedAt: iso(doc.openedAt),
    closedAt: iso(doc.closedAt),
    nextDueAt: iso(doc.nextDueAt),
    liabilityStatus: doc.liabilityStatus,
    restorationStatus: doc.restorationStatus,
    createdAt: iso(doc.createdAt),
    updatedAt: iso(doc.updatedAt),
  };
}

export function caseView(doc: CaseRecord, principal: Principal, deps: ViewDeps, allocatedFen: Record<string, number> = {}) {
  const snapshot = restoreCase(deps.machine, doc.snapshot as PersistedCaseSnapshot);
  const ctx = snapshot.context as CaseContext;
  const top = topStateOf(doc.state);
  const extendable = (doc.deadlines ?? []).some((d) => mayExtend(d, principal.role, deps.rules));
  const allowedEvents = offeredEventTypes(snapshot).filter((t) => roleMaySend(t, principal.role, top) && (t !== 'DEADLINE_EXTENDED' || extendable));
  return {
    ...caseSummary(doc, deps),
    description: doc.description ?? null,
    sourceRef: doc.sourceRef ?? null,
    place: doc.place ?? null,
    location: doc.location?.lng !== undefined && doc.location?.lat !== undefined ? { lng: doc.location.lng, lat: doc.location.lat } : null,
    redLine: doc.redLine ?? false,
    damageMedia: doc.damageMedia ?? [],
    parties: (doc.parties ?? []).map((p) => ({ id: p.id, name: p.name, kind: p.kind, ...(p.creditCode ? { creditCode: p.creditCode } : {}), ...(p.idNumber ? { idNumber: p.idNumber } : {}) })),
    stage: ctx.stage,
    majorBasis: ctx.majorBasis ?? null,
    collectiveReview: ctx.collectiveReview ?? null,
    screening: ctx.screening ?? null,
    verification: ctx.verification ?? null,
    claim: ctx.claim ?? null,
    procuratorate: ctx.procuratorate,
    investigation: ctx.investigation ?? null,
    assessment: ctx.assessment ?? null,
    consultation: {
      ...ctx.consultation,
      meetingsHeld: ctx.consultation.meetings.length,
      meetingLimit: deps.rules.consultationMeetingLimit,
      pastRounds: ctx.pastConsultations,
    },
    agreement: ctx.agreement ?? null,
    judicialConfirmation: ctx.judicialConfirmation ?? null,
    litigation: ctx.litigation ?? null,
    judgment: ctx.judgment ?? null,
    enforceable: ctx.enforceable,
    obligations: ctx.obligations.map((o) => ({
      ...o,
      depositedFen: o.escrowDeposits.reduce((s, d) => s + d.amountFen, 0),
      ...(o.kind === 'substitute_restoration' || o.kind === 'escrow' ? { allocatedFen: allocatedFen[o.id] ?? 0 } : {}),
    })),
    evaluation: ctx.evaluation ?? null,
    suspension: ctx.suspension ?? null,
    termination: ctx.termination ?? null,
    archiveRef: ctx.archiveRef ?? null,
    deadlines: (doc.deadlines ?? []).map((d) => deadlineView(d, deps.now, { role: principal.role, rules: deps.rules })),
    allowedEvents,
    machineVersion: doc.machineVersion,
  };
}

export type CaseView = ReturnType<typeof caseView>;
