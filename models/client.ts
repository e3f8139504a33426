import { Schema, model, type InferSchemaType, type Model } from 'mongoose';

/** An API client: one role, one scope, one token (stored as its SHA-256 only). */
const clientSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true },
    /** District names, or ['*'] for every district. */
    districts: { type: [String], default: [] },
    baseIds: { type: [String], default: [] },
    tokenHash: { type: String, required: true },
    tokenHint: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    revokedAt: { type: Date, default: null },
  },
  { collection: 'clients', versionKey: false, strict: true },
);
clientSchema.index({ tokenHash: 1 }, { unique: true });
clientSchema.index({ createdAt: -1, _id: -1 });

export type ClientDocument = InferSchemaType<typeof clientSchema> & { _id: string };
export const ClientModel: Model<ClientDocument> = model<ClientDocument>('Client', clientSchema);
