import { Schema, model, type InferSchemaType, type Model } from 'mongoose';

/**
 * A compensation case is one document: the machine's persisted snapshot, the flattened state (for
 * queries), the case's own data, its deadlines and the append-only history of accepted events.
 * Every change to it is one version-guarded findOneAndUpdate (see src/cases/case-repository.ts).
 */

const partySchema = new Schema(
  {
    id: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, required: true },
    creditCode: String,
    idNumber: String,
  },
  { _id: false },
);

const extensionSchema = new Schema(
  { from: { type: Date, required: true }, to: { type: Date, required: true }, reason: { type: String, required: true }, seq: { type: Number, required: true } },
  { _id: false },
);

export const deadlineStatuses = ['open', 'met', 'missed', 'cancelled'] as const;

const deadlineSchema = new Schema(
  {
    id: { type: String, required: true },
    rule: { type: String, required: true },
    /** The obligation or other object the deadline belongs to, when there can be several. */
    ref: String,
    startAt: { type: Date, required: true },
    dueAt: { type: Date, required: true },
    status: { type: String, enum: deadlineStatuses, required: true },
    openedSeq: { type: Number, required: true },
    settledAt: Date,
    missedAt: Date,
    metLate: Boolean,
    extensions: { type: [extensionSchema], default: [] },
  },
  { _id: false },
);

const historyEntrySchema = new Schema(
  {
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, default: {} },
    /** What the service told the machine besides the payload (the time, deadline and re-offence facts), kept so the history replays exactly. */
    facts: { type: Schema.Types.Mixed, default: {} },
    actor: {
      clientId: { type: String, required: true },
      role: { type: String, required: true },
    },
    at: { type: Date, required: true },
    recordedAt: { type: Date, required: true },
    from: { type: String, default: null },
    to: { type: String, required: true },
    version: { type: Number, required: true },
    idempotencyKey: String,
    /** Commit ticket of the change feed (see src/feed). */
    feedTicket: Number,
    hash: String,
    prevHash: String,
  },
  { _id: false, minimize: false },
);

const caseSchema = new Schema(
  {
    _id: { type: String, required: true },
    caseNo: String,
    caseNoYear: Number,
    caseNoPending: Boolean,
    title: { type: String, required: true },
    description: String,
    sourceRef: String,
    place: String,
    location: { lng: Number, lat: Number },
    district: { type: String, required: true },
    channel: { type: String, required: true },
    receivedAt: { type: Date, required: true },
    redLine: { type: Boolean, default: false },
    damageMedia: { type: [String], default: [] },
    parties: { type: [partySchema], default: [] },
    /** creditCode / idNumber of every party, normalised, for the re-offence check. */
    partyKeys: { type: [String], default: [] },
    createdBy: { clientId: { type: String, required: true }, role: { type: String, required: true } },
    referredBy: String,
    procuratorateVisible: { type: Boolean, default: false },

    machineVersion: { type: Number, required: true },
    snapshot: { type: Schema.Types.Mixed, required: true },
    state: { type: String, required: true },
    stage: { type: String, required: true },
    major: { type: Boolean, default: false },
    outcome: String,
    openedAt: Date,
    closedAt: Date,

    deadlines: { type: [deadlineSchema], default: [] },
    /** Earliest due date among open deadlines, or null: what the scheduler scans. */
    nextDueAt: { type: Date, default: null },
    overdue: { type: Boolean, default: false },
    /** A scheduler instance's claim on this case's due deadlines (see src/scheduler). */
    leaseOwner: String,
    leaseUntil: Date,

    liabilityStatus: { type: String, default: 'open' },
    restorationStatus: { type: String, default: 'none' },
    /** Maintained by the matching module from confirmed allocations and the projects' progress. */
    restorationFacts: { type: Schema.Types.Mixed, default: null },
    /** Flat facts the statistics group on (src/stats/kpi-fields.ts). */
    kpi: { type: Schema.Types.Mixed, default: null },

    version: { type: Number, required: true },
    history: { type: [historyEntrySchema], default: [] },
    lastHash: String,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'cases', minimize: false, versionKey: false, strict: true },
);

caseSchema.index({ district: 1, stage: 1, updatedAt: -1 });
caseSchema.index({ district: 1, createdAt: -1, _id: -1 });
caseSchema.index({ createdAt: -1, _id: -1 });
caseSchema.index({ nextDueAt: 1 });
caseSchema.index({ partyKeys: 1 });
caseSchema.index({ caseNo: 1 });
caseSchema.index({ referredBy: 1, sourceRef: 1 });
caseSchema.index({ caseNoPending: 1 });
caseSchema.index({ 'history.feedTicket': 1 });

export interface HistoryEntry {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  facts: Record<string, unknown>;
  actor: { clientId: string; role: string };
  at: Date;
  recordedAt: Date;
  from: string | null;
  to: string;
  version: number;
  idempotencyKey?: string;
  feedTicket?: number;
  hash?: string;
  prevHash?: string;
}

export interface DeadlineRecord {
  id: string;
  rule: string;
  ref?: string;
  startAt: Date;
  dueAt: Date;
  status: (typeof deadlineStatuses)[number];
  openedSeq: number;
  settledAt?: Date;
  missedAt?: Date;
  metLate?: boolean;
  extensions: { from: Date; to: Date; reason: string; seq: number }[];
}

export type CaseDocument = Omit<InferSchemaType<typeof caseSchema>, 'history' | 'deadlines'> & {
  _id: string;
  history: HistoryEntry[];
  deadlines: DeadlineRecord[];
};

export const CaseModel: Model<CaseDocument> = model<CaseDocument>('Case', caseSchema);
