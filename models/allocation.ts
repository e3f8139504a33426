import { Schema, model, type Model } from 'mongoose';

/**
 * An allocation of one obligation's money (substitute restoration or escrow) to one project.
 * Proposed by either side, confirmed when both sides accept (双向确认), released from escrow to the
 * project by milestone. `reservation` is set while a confirmation is between its steps (see
 * docs/escrow.md): a reservation older than its lease is finished or undone by the next reader.
 */
export const allocationStatuses = ['proposed', 'confirmed', 'declined'] as const;
export type AllocationStatus = (typeof allocationStatuses)[number];

export interface AllocationRelease {
  id: string;
  amountFen: number;
  milestone: string;
  releasedAt: Date;
  note?: string;
  by: { clientId: string; role: string };
  recordedAt: Date;
}

export interface Acceptance {
  clientId: string;
  at: Date;
}

export interface AllocationDocument {
  _id: string;
  caseId: string;
  /** The case's number and title when proposed, so that a base manager (who may not read cases) sees whose money it is. */
  caseNo?: string | null;
  caseTitle?: string | null;
  obligationId: string;
  projectId: string;
  baseId: string;
  /** The case's district (who may accept for the case side). */
  district: string;
  amountFen: number;
  score: number;
  status: AllocationStatus;
  proposedBy: { clientId: string; role: string; at: Date };
  acceptedByCase: Acceptance | null;
  acceptedByProject: Acceptance | null;
  declinedBy: { clientId: string; role: string; at: Date; reason?: string } | null;
  confirmedAt: Date | null;
  reservation: { token: string; startedAt: Date } | null;
  releases: AllocationRelease[];
  releasedFen: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const acceptanceSchema = new Schema<Acceptance>({ clientId: { type: String, required: true }, at: { type: Date, required: true } }, { _id: false });

const releaseSchema = new Schema<AllocationRelease>(
  {
    id: { type: String, required: true },
    amountFen: { type: Number, required: true },
    milestone: { type: String, required: true },
    releasedAt: { type: Date, required: true },
    note: String,
    by: { clientId: { type: String, required: true }, role: { type: String, required: true } },
    recordedAt: { type: Date, required: true },
  },
  { _id: false },
);

const allocationSchema = new Schema<AllocationDocument>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    caseNo: { type: String, default: null },
    caseTitle: { type: String, default: null },
    obligationId: { type: String, required: true },
    projectId: { type: String, required: true },
    baseId: { type: String, required: true },
    district: { type: String, required: true },
    amountFen: { type: Number, required: true },
    score: { type: Number, required: true },
    status: { type: String, enum: allocationStatuses, required: true },
    proposedBy: { clientId: { type: String, required: true }, role: { type: String, required: true }, at: { type: Date, required: true } },
    acceptedByCase: { type: acceptanceSchema, default: null },
    acceptedByProject: { type: acceptanceSchema, default: null },
    declinedBy: {
      type: new Schema({ clientId: { type: String, required: true }, role: { type: String, required: true }, at: { type: Date, required: true }, reason: String }, { _id: false }),
      default: null,
    },
    confirmedAt: { type: Date, default: null },
    reservation: { type: new Schema({ token: { type: String, required: true }, startedAt: { type: Date, required: true } }, { _id: false }), default: null },
    releases: { type: [releaseSchema], default: [] },
    releasedFen: { type: Number, required: true, default: 0 },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'allocations', versionKey: false, strict: true, minimize: false },
);
allocationSchema.index({ caseId: 1, status: 1 });
allocationSchema.index({ projectId: 1, status: 1 });
allocationSchema.index({ district: 1, createdAt: -1, _id: -1 });
allocationSchema.index({ createdAt: -1, _id: -1 });
allocationSchema.index({ 'reservation.startedAt': 1 });

export const AllocationModel: Model<AllocationDocument> = model<AllocationDocument>('Allocation', allocationSchema);
