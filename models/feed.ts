import { Schema, model, type Model } from 'mongoose';

/**
 * The change feed's log. Every committed case change gets a ticket from one counter before it
 * commits; the ticket is written into the history entry and, after the commit, a change record
 * with the same number is inserted here. A ticket whose commit lost its race is recorded as
 * abandoned. So every ticket ends up resolved (a change or abandoned), and a reader that only
 * moves past contiguous resolved tickets never skips a change that committed late (see src/feed).
 */
export interface ChangeDocument {
  _id: number;
  abandoned?: boolean;
  caseId?: string;
  seq?: number;
  type?: string;
  at?: Date;
  state?: string;
  district?: string;
  /** Whether the case was visible to the procuratorate after this change. */
  procuratorateVisible?: boolean;
  /** This change made the case visible: its earlier history is replayed to the procuratorate here. */
  becameVisible?: boolean;
  createdAt: Date;
}

const changeSchema = new Schema<ChangeDocument>(
  {
    _id: { type: Number, required: true },
    abandoned: Boolean,
    caseId: String,
    seq: Number,
    type: String,
    at: Date,
    state: String,
    district: String,
    procuratorateVisible: Boolean,
    becameVisible: Boolean,
    createdAt: { type: Date, required: true },
  },
  { collection: 'changes', versionKey: false, strict: true },
);
changeSchema.index({ district: 1, _id: 1 });

export const ChangeModel: Model<ChangeDocument> = model<ChangeDocument>('Change', changeSchema);

export interface CounterDocument {
  _id: string;
  seq: number;
}
const counterSchema = new Schema<CounterDocument>({ _id: { type: String, required: true }, seq: { type: Number, required: true } }, { collection: 'counters', versionKey: false });
export const CounterModel: Model<CounterDocument> = model<CounterDocument>('Counter', counterSchema);
