import { Schema, model, type Model } from 'mongoose';

/**
 * A substitute-restoration project (替代性修复项目) of a base's project library (项目库).
 *
 * `fundedFen`/`gapFen` move only by guarded single-document updates that also add or remove the
 * allocation's id in `allocationIds` (see src/projects/allocation-service.ts): membership there is
 * what makes a reservation idempotent and its undo safe, so the two amounts always equal the sum of
 * the allocations listed. Every such update bumps `version`, so a lifecycle change (guarded by
 * the version it read) never overwrites funding it did not see.
 */
export const projectStatuses = ['draft', 'published', 'funding', 'funded', 'in_progress', 'completed', 'accepted', 'closed'] as const;
export type ProjectStatus = (typeof projectStatuses)[number];

export interface ProjectHistoryEntry {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  actor: { clientId: string; role: string };
  at: Date;
  recordedAt: Date;
  from: string | null;
  to: string;
  version: number;
}

export interface ProjectDocument {
  _id: string;
  baseId: string;
  name: string;
  method: string;
  media: string[];
  location: { district: string; town?: string; point?: { lng: number; lat: number } };
  owner?: string;
  implementer?: string;
  budgetFen: number;
  fundedFen: number;
  gapFen: number;
  minContributionFen: number;
  /** Damage media the project takes money for (empty: any). */
  acceptedDamageTypes: string[];
  startDate?: string;
  endDate?: string;
  status: ProjectStatus;
  acceptanceCriteria?: string;
  publicBenefit?: string;
  /** Allocations counted in fundedFen: confirmed ones, and at most briefly those being confirmed. */
  allocationIds: string[];
  version: number;
  history: ProjectHistoryEntry[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const historyEntrySchema = new Schema<ProjectHistoryEntry>(
  {
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, default: {} },
    actor: { clientId: { type: String, required: true }, role: { type: String, required: true } },
    at: { type: Date, required: true },
    recordedAt: { type: Date, required: true },
    from: { type: String, default: null },
    to: { type: String, required: true },
    version: { type: Number, required: true },
  },
  { _id: false, minimize: false },
);

const projectSchema = new Schema<ProjectDocument>(
  {
    _id: { type: String, required: true },
    baseId: { type: String, required: true },
    name: { type: String, required: true },
    method: { type: String, required: true },
    media: { type: [String], default: [] },
    location: {
      type: new Schema(
        { district: { type: String, required: true }, town: String, point: { type: new Schema({ lng: Number, lat: Number }, { _id: false }), default: undefined } },
        { _id: false },
      ),
      required: true,
    },
    owner: String,
    implementer: String,
    budgetFen: { type: Number, required: true },
    fundedFen: { type: Number, required: true, default: 0 },
    gapFen: { type: Number, required: true },
    minContributionFen: { type: Number, default: 0 },
    acceptedDamageTypes: { type: [String], default: [] },
    startDate: String,
    endDate: String,
    status: { type: String, enum: projectStatuses, required: true },
    acceptanceCriteria: String,
    publicBenefit: String,
    allocationIds: { type: [String], default: [] },
    version: { type: Number, required: true },
    history: { type: [historyEntrySchema], default: [] },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'projects', versionKey: false, strict: true, minimize: false },
);
projectSchema.index({ createdAt: -1, _id: -1 });
projectSchema.index({ status: 1, 'location.district': 1 });
projectSchema.index({ baseId: 1, createdAt: -1 });

export const ProjectModel: Model<ProjectDocument> = model<ProjectDocument>('Project', projectSchema);
