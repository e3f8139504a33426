import { Schema, model, type Model } from 'mongoose';

/**
 * Case numbers handed out, one document each. The unique _id (`2026:17`, or `manual:<number>`) makes
 * a number impossible to give twice, and the unique caseId makes a case impossible to number twice.
 * A number is only claimed for a case whose CLAIM_STARTED is already committed, so none is burned
 * by a lost race: the sequence has no gaps.
 */
export interface CaseNumberDocument {
  _id: string;
  caseId: string;
  year?: number;
  seq?: number;
  caseNo: string;
  at: Date;
}

const caseNumberSchema = new Schema<CaseNumberDocument>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    year: Number,
    seq: Number,
    caseNo: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'case_numbers', versionKey: false, strict: true },
);
caseNumberSchema.index({ caseId: 1 }, { unique: true });
caseNumberSchema.index({ year: 1, seq: -1 });

export const CaseNumberModel: Model<CaseNumberDocument> = model<CaseNumberDocument>('CaseNumber', caseNumberSchema);
