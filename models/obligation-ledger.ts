import { Schema, model, type Model } from 'mongoose';

/**
 * How much of one obligation's money (a case's substitute-restoration or escrow money) is
 * committed to projects. One document per (caseId, obligationId), created on first use. Like a
 * project's funding, `allocatedFen` only moves together with `allocationIds` in one guarded update,
 * so a reservation is idempotent and never exceeds the obligation's money.
 */
export interface ObligationLedgerDocument {
  _id: string;
  caseId: string;
  obligationId: string;
  district: string;
  allocatedFen: number;
  allocationIds: string[];
  updatedAt: Date;
}

const ledgerSchema = new Schema<ObligationLedgerDocument>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    obligationId: { type: String, required: true },
    district: { type: String, required: true },
    allocatedFen: { type: Number, required: true, default: 0 },
    allocationIds: { type: [String], default: [] },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'obligation_ledgers', versionKey: false, strict: true, minimize: false },
);
ledgerSchema.index({ caseId: 1 });

export function obligationLedgerId(caseId: string, obligationId: string): string {
  return `${caseId}:${obligationId}`;
}

export const ObligationLedgerModel: Model<ObligationLedgerDocument> = model<ObligationLedgerDocument>('ObligationLedger', ledgerSchema);

/**
 * A per-case counter taken before the case's restoration facts are recomputed: the case keeps
 * the facts of the highest revision, so two recomputations that finish out of order never leave
 * the older one in place.
 */
export interface RestorationRevisionDocument {
  _id: string;
  rev: number;
}

const revisionSchema = new Schema<RestorationRevisionDocument>(
  { _id: { type: String, required: true }, rev: { type: Number, required: true } },
  { collection: 'restoration_revisions', versionKey: false, strict: true },
);

export const RestorationRevisionModel: Model<RestorationRevisionDocument> = model<RestorationRevisionDocument>('RestorationRevision', revisionSchema);
