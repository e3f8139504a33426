import { Schema, model, type Model } from 'mongoose';

/**
 * A procuratorate's lead transfer (线索移送), claimed once per (client, sourceRef). The claim is
 * inserted before the case: its unique _id makes concurrent identical transfers agree on one case
 * id, and the case's own unique _id then makes sure that case is created only once, whoever
 * creates it (see src/procuratorate/lead-transfer.ts).
 */
export interface LeadTransferDocument {
  /** sha256 of clientId and sourceRef: fixed length, no `.` or `$` whatever the reference holds. */
  _id: string;
  clientId: string;
  sourceRef: string;
  caseId: string;
  createdAt: Date;
}

const leadTransferSchema = new Schema<LeadTransferDocument>(
  {
    _id: { type: String, required: true },
    clientId: { type: String, required: true },
    sourceRef: { type: String, required: true },
    caseId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'lead_transfers', versionKey: false, strict: true },
);
leadTransferSchema.index({ caseId: 1 });

export const LeadTransferModel: Model<LeadTransferDocument> = model<LeadTransferDocument>('LeadTransfer', leadTransferSchema);
