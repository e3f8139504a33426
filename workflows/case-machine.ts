import { and, assign, setup } from 'xstate';
import type { CaseContext, CaseMachineEvent, CaseMachineInput, TopState } from './case-context';
import { refusalOf } from './case-guards';
import { reduce } from './case-reducers';
import { defaultRules, type DeadlineRuleName, type WorkflowRules } from './rules';
import type { Labels } from './vocabulary';

/**
 * The compensation procedure as an XState v5 statechart. Pure: no I/O, no clock (the service puts
 * `now` in every event's facts), no `after` timers (deadlines are data, see deadlines.ts).
 *
 * The open stages live inside `active`, whose deep history state (`resumePoint`) lets a suspended
 * case resume exactly where it stopped. The public state path omits `active` (see statePath()).
 *
 * Bump MACHINE_VERSION whenever a change could make an old snapshot mean something else, and add a
 * migration (docs/workflow.md explains how).
 */
export const MACHINE_VERSION = 1;

export interface StateMeta {
  labels: Labels;
  /** Deadline rules that this state opens on entry (see deadlines.ts). */
  deadlines?: DeadlineRuleName[];
  description?: string;
}

const meta = (zh: string, en: string, extra: Omit<StateMeta, 'labels'> = {}): { meta: StateMeta } => ({ meta: { labels: { zh, en }, ...extra } });
const enter = (stage: TopState) => ({ type: 'enterStage' as const, params: { stage } });

const always = <T extends string>(target: T) => ({ guard: 'permitted' as const, target, actions: 'record' as const });
const stay = { guard: 'permitted' as const, actions: 'record' as const };

export function createCaseMachine(rules: WorkflowRules = defaultRules) {
  return setup({
    types: {
      context: {} as CaseContext,
      events: {} as CaseMachineEvent,
      input: {} as CaseMachineInput,
    },
    guards: {
      permitted: ({ context, event }) => refusalOf(context, event, rules) === null,
      screenedForVerification: ({ event }) => event.type === 'SCREENED' && event.payload.outcome === 'verify',
      investigationToAssess: ({ event }) => event.type === 'INVESTIGATION_CONCLUDED' && event.payload.conclusion === 'assess',
      judicialConfirmed: ({ event }) => event.type === 'JUDICIAL_CONFIRMATION_RULED' && event.payload.result === 'confirmed',
      judgmentDismissed: ({ event }) => event.type === 'JUDGMENT_EFFECTIVE' && event.payload.outcome === 'dismissed',
      allObligationsPerformed: ({ context }) => context.obligations.every((o) => o.status === 'performed'),
      stillPerformedAfterReversal: ({ context, event }) => reduce(context, event).obligations.every((o) => o.status === 'performed'),
    },
    actions: {
      record: assign(({ context, event }) => reduce(context, event)),
      enterStage: assign((_, params: { stage: TopState }) => ({ stage: params.stage })),
    },
  }).createMachine({
    id: 'case',
    initial: 'active',
    context: ({ input }) => ({
      receivedAt: input.receivedAt,
      redLine: input.redLine,
      partyIds: input.partyIds,
      stage: 'lead',
      major: false,
      procuratorate: { supportProvided: [] },
      consultation: { round: 1, meetings: [] },
      pastConsultations: [],
      enforceable: false,
      obligations: [],
      nextObligationNo: 1,
      evaluationsFailed: 0,
    }),
    states: {
      active: {
        initial: 'lead',
        on: {
          MARKED_MAJOR: stay,
          COLLECTIVE_REVIEW_RECORDED: stay,
          PROCURATORATE_NOTIFIED: stay,
          PRIOR_PENALTY_RECORDED: stay,
          DEADLINE_EXTENDED: stay,
          TERMINATED: always('#case.closed'),
          SUSPENDED: always('#case.suspended'),
        },
        states: {
          resumePoint: { id: 'resumePoint', type: 'history', history: 'deep', target: 'lead' },
          lead: {
            // The verification period runs from the lead's receipt (deadlines.ts), so it is open here already.
            ...meta('线索登记', 'Lead', { deadlines: ['verification_30d'] }),
            entry: enter('lead'),
            on: {
              SCREENED: [
                { guard: and(['permitted', 'screenedForVerification']), target: 'verification', actions: 'record' },
                always('#case.closed'),
              ],
              // The procuratorate's public notice may come with its lead or while it is verified.
              PUBLIC_NOTICE_ISSUED: stay,
              REPLIED_TO_PROCURATORATE: stay,
              DEEMED_NOT_PURSUED: always('publicInterestLitigation'),
            },
          },
          verification: {
            ...meta('初步核查', 'Preliminary verification', { deadlines: ['verification_30d'] }),
            entry: enter('verification'),
            on: {
              DAMAGE_CONFIRMED: always('startDecision'),
              NO_DAMAGE: always('#case.closed'),
              PUBLIC_NOTICE_ISSUED: stay,
              REPLIED_TO_PROCURATORATE: stay,
              DEEMED_NOT_PURSUED: always('publicInterestLitigation'),
            },
          },
          startDecision: {
            ...meta('启动索赔决定', 'Decision to start the claim'),
            entry: enter('startDecision'),
            on: {
              CLAIM_STARTED: always('investigation'),
              CLAIM_NOT_STARTED: always('#case.closed'),
              PUBLIC_NOTICE_ISSUED: stay,
              REPLIED_TO_PROCURATORATE: stay,
              DEEMED_NOT_PURSUED: always('publicInterestLitigation'),
            },
          },
          investigation: {
            ...meta('损害调查', 'Damage investigation'),
            entry: enter('investigation'),
            on: {
              INVESTIGATION_CONCLUDED: [
                { guard: and(['permitted', 'investigationToAssess']), target: 'assessment', actions: 'record' },
                always('#case.closed'),
              ],
            },
          },
          assessment: {
            ...meta('鉴定评估', 'Assessment'),
            entry: enter('assessment'),
            on: { ASSESSMENT_COMPLETED: always('consultation') },
          },
          consultation: {
            ...meta('磋商', 'Consultation'),
            entry: enter('consultation'),
            initial: 'notice',
            states: {
              notice: {
                ...meta('送达磋商通知', 'Serving the consultation notice'),
                // Consultation may prove impossible before any notice: the notice cannot be served, the obligor is gone.
                on: { CONSULTATION_NOTICE_SERVED: always('meetings'), CONSULTATION_FAILED: always('failed') },
              },
              meetings: {
                ...meta('磋商进行中', 'Consultation meetings', { deadlines: ['consultation_90d', 'obligor_reply'] }),
                on: {
                  OBLIGOR_REPLIED: stay,
                  CONSULTATION_MEETING_HELD: stay,
                  CONSULTATION_AGREED: always('#case.active.agreement'),
                  CONSULTATION_FAILED: always('failed'),
                },
              },
              failed: {
                ...meta('磋商不成', 'Consultation failed', { description: 'Decide: re-consult, sue, or leave it to the procuratorate' }),
                on: {
                  RECONSULTATION_STARTED: always('notice'),
                  LAWSUIT_FILED: always('#case.active.litigation'),
                  HANDED_TO_PROCURATORATE: always('#case.active.publicInterestLitigation'),
                  PUBLIC_NOTICE_ISSUED: stay,
                  REPLIED_TO_PROCURATORATE: stay,
                  DEEMED_NOT_PURSUED: always('#case.active.publicInterestLitigation'),
                },
              },
            },
          },
          agreement: {
            ...meta('赔偿协议', 'Agreement'),
            entry: enter('agreement'),
            initial: 'drafting',
            states: {
              drafting: { ...meta('协议起草', 'Drafting'), on: { AGREEMENT_SIGNED: always('signed') } },
              signed: {
                ...meta('协议已签署', 'Signed'),
                on: {
                  JUDICIAL_CONFIRMATION_APPLIED: always('#case.active.judicialConfirmation'),
                  JUDICIAL_CONFIRMATION_WAIVED: always('#case.active.performance'),
                },
              },
            },
          },
          judicialConfirmation: {
            ...meta('司法确认', 'Judicial confirmation', { deadlines: ['judicial_confirmation_notice_30d'] }),
            entry: enter('judicialConfirmation'),
            on: {
              JUDICIAL_NOTICE_PUBLISHED: stay,
              JUDICIAL_CONFIRMATION_RULED: [
                { guard: and(['permitted', 'judicialConfirmed']), target: 'performance', actions: 'record' },
                always('consultation'),
              ],
            },
          },
          litigation: {
            ...meta('赔偿诉讼', 'Compensation suit'),
            entry: enter('litigation'),
            on: {
              SUPPORT_PROVIDED: stay,
              JUDGMENT_EFFECTIVE: [
                { guard: and(['permitted', 'judgmentDismissed']), target: '#case.closed', actions: 'record' },
                always('performance'),
              ],
            },
          },
          publicInterestLitigation: {
            ...meta('检察公益诉讼', 'Public-interest litigation'),
            entry: enter('publicInterestLitigation'),
            on: {
              PUBLIC_INTEREST_SUIT_FILED: stay,
              JUDGMENT_EFFECTIVE: [
                { guard: and(['permitted', 'judgmentDismissed']), target: '#case.closed', actions: 'record' },
                always('performance'),
              ],
            },
          },
          performance: {
            ...meta('履行', 'Performance'),
            entry: enter('performance'),
            always: { guard: 'allObligationsPerformed', target: 'evaluation' },
            on: {
              OBLIGATION_PROGRESS: stay,
              ESCROW_DEPOSITED: stay,
              ENFORCEMENT_APPLIED: stay,
              MONEY_RECORD_REVERSED: stay,
              // An agreement without judicial confirmation that is not performed is sued on.
              LAWSUIT_FILED: always('litigation'),
            },
          },
          evaluation: {
            ...meta('修复效果评估', 'Restoration effect evaluation'),
            entry: enter('evaluation'),
            initial: 'pending',
            on: {
              // A payment or deposit recorded in error: the evaluation goes on while every duty is
              // still performed, else the case returns to performance.
              MONEY_RECORD_REVERSED: [
                { guard: and(['permitted', 'stillPerformedAfterReversal']), actions: 'record' },
                always('#case.active.performance'),
              ],
            },
            states: {
              pending: {
                ...meta('待评估', 'Awaiting evaluation'),
                on: {
                  EVALUATION_PASSED: always('passed'),
                  EVALUATION_FAILED: always('#case.active.performance'),
                  EVALUATION_EXEMPTED: always('exempted'),
                },
              },
              passed: { ...meta('评估通过', 'Passed'), on: { CASE_CLOSED: always('#case.closed') } },
              exempted: { ...meta('免于评估', 'Exempted'), on: { CASE_CLOSED: always('#case.closed') } },
            },
          },
        },
      },
      suspended: {
        ...meta('中止', 'Suspended'),
        on: {
          RESUMED: always('#resumePoint'),
          MARKED_MAJOR: stay,
          COLLECTIVE_REVIEW_RECORDED: stay,
          PROCURATORATE_NOTIFIED: stay,
          DEADLINE_EXTENDED: stay,
          TERMINATED: always('closed'),
        },
      },
      closed: {
        ...meta('已结案', 'Closed'),
        entry: enter('closed'),
        type: 'final',
      },
    },
  });
}

export type CaseMachine = ReturnType<typeof createCaseMachine>;
