import { Schema, model, type Model } from 'mongoose';

/** A restoration base (修复基地), e.g. the Taihu Eco-Island demonstration base. Created by an admin. */
export interface BaseDocument {
  _id: string;
  name: string;
  district: string;
  place?: string;
  location?: { lng: number; lat: number };
  areaKm2?: number;
  founders: string[];
  createdBy: string;
  createdAt: Date;
}

const baseSchema = new Schema<BaseDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    district: { type: String, required: true },
    place: String,
    location: { type: new Schema({ lng: Number, lat: Number }, { _id: false }), default: undefined },
    areaKm2: Number,
    founders: { type: [String], default: [] },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'bases', versionKey: false, strict: true },
);
baseSchema.index({ createdAt: -1, _id: -1 });

export const BaseModel: Model<BaseDocument> = model<BaseDocument>('Base', baseSchema);
