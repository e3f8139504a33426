import { Schema, model, type Model } from 'mongoose';

/**
 * A client's Idempotency-Key and the reply its first request got. The first request claims the key
 * by inserting this document (unique _id); repeats wait for and return the stored reply.
 */
export interface IdempotencyDocument {
  _id: string;
  clientId: string;
  requestHash: string;
  state: 'pending' | 'done';
  lockedUntil: Date;
  status?: number;
  body?: unknown;
  createdAt: Date;
}

const idempotencySchema = new Schema<IdempotencyDocument>(
  {
    _id: { type: String, required: true },
    clientId: { type: String, required: true },
    requestHash: { type: String, required: true },
    state: { type: String, required: true },
    lockedUntil: { type: Date, required: true },
    status: Number,
    body: Schema.Types.Mixed,
    createdAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys', versionKey: false, minimize: false, strict: true },
);
idempotencySchema.index({ createdAt: 1 });

export const IdempotencyModel: Model<IdempotencyDocument> = model<IdempotencyDocument>('IdempotencyKey', idempotencySchema);
