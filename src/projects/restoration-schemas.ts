import { z } from 'zod';
import { cursorParam, limitParam } from '../http/pagination';
import { calendarDate, instant, objectRef, positiveMoneyFen, moneyFen, shortText, text } from '../../workflows/fields';
import { media } from '../../workflows/vocabulary';
import { projectStatuses } from '../../models/project';
import { allocationStatuses } from '../../models/allocation';

/** The request and reply shapes of bases, projects, matching, allocations and the escrow ledger. */

export const projectMethods = [
  'replanting', 'fry_release', 'wetland_restoration', 'water_restoration', 'soil_remediation', 'rural_environment',
  'carbon_sink_forest', 'labour_in_lieu', 'clean_production', 'habitat', 'other',
] as const;

const districtName = z.string().trim().min(1).max(50).regex(/^[^$.]/, 'must not start with $ or .');
const point = z.object({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) }).strict();
const mediumList = z.array(z.enum(media.values)).max(12);

export const createBaseBody = z
  .object({
    name: shortText,
    district: districtName,
    place: shortText.optional(),
    location: point.optional(),
    areaKm2: z.number().positive().max(1_000_000).optional(),
    founders: z.array(shortText).max(50).optional(),
  })
  .strict();

export const listQuery = z.object({ limit: limitParam, cursor: cursorParam }).strict();

const projectFieldShape = {
  name: shortText,
  method: z.enum(projectMethods),
  media: mediumList.min(1),
  district: districtName,
  town: shortText.optional(),
  location: point.optional(),
  owner: shortText.optional(),
  implementer: shortText.optional(),
  budgetFen: positiveMoneyFen,
  minContributionFen: moneyFen.optional(),
  acceptedDamageTypes: mediumList.optional().meta({ description: 'Damage media whose money the project takes (empty or absent: any)' }),
  startDate: calendarDate.optional(),
  endDate: calendarDate.optional(),
  publicBenefit: text(2000).optional(),
  acceptanceCriteria: text(2000).optional(),
};

export const createProjectBody = z.object(projectFieldShape).strict();
export type CreateProjectInput = z.infer<typeof createProjectBody>;

/** PATCH: any editable field; `null` clears an optional one. Amounts owned by the server are not here. */
export const patchProjectBody = z
  .object({
    name: projectFieldShape.name.optional(),
    method: projectFieldShape.method.optional(),
    media: projectFieldShape.media.optional(),
    district: projectFieldShape.district.optional(),
    budgetFen: projectFieldShape.budgetFen.optional(),
    town: shortText.nullable().optional(),
    location: point.nullable().optional(),
    owner: shortText.nullable().optional(),
    implementer: shortText.nullable().optional(),
    minContributionFen: moneyFen.nullable().optional(),
    acceptedDamageTypes: mediumList.nullable().optional(),
    startDate: calendarDate.nullable().optional(),
    endDate: calendarDate.nullable().optional(),
    publicBenefit: text(2000).nullable().optional(),
    acceptanceCriteria: text(2000).nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change');
export type PatchProjectInput = z.infer<typeof patchProjectBody>;

export const transitionBody = z
  .object({ at: instant.optional(), note: text(1000).optional(), reportRef: shortText.optional() })
  .strict();

export const listProjectsQuery = z
  .object({
    status: z.enum(projectStatuses).optional(),
    media: z.enum(media.values).optional(),
    district: districtName.optional(),
    baseId: objectRef.optional(),
    limit: limitParam,
    cursor: cursorParam,
  })
  .strict();

export const suggestionsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }).strict();

export const planBody = z
  .object({
    districts: z.array(districtName).min(1).max(50).optional(),
    projectIds: z.array(objectRef).min(1).max(2000).optional(),
    caseIds: z.array(objectRef).min(1).max(20000).optional(),
  })
  .strict();

export const proposeAllocationBody = z
  .object({ caseId: objectRef, obligationId: objectRef, projectId: objectRef, amountFen: positiveMoneyFen })
  .strict();

export const declineBody = z.object({ reason: text(1000).optional() }).strict();

export const releaseBody = z
  .object({ amountFen: positiveMoneyFen, milestone: shortText, releasedAt: instant, note: text(1000).optional() })
  .strict();

export const listAllocationsQuery = z
  .object({
    caseId: objectRef.optional(),
    projectId: objectRef.optional(),
    status: z.enum(allocationStatuses).optional(),
    limit: limitParam,
    cursor: cursorParam,
  })
  .strict();

export const escrowQuery = z
  .object({
    district: districtName.optional(),
    caseId: objectRef.optional(),
    flagged: z.enum(['true', 'false']).optional(),
    limit: limitParam,
    cursor: cursorParam,
  })
  .strict();

// Replies, for the OpenAPI document.

const labels = z.object({ zh: z.string(), en: z.string() });

export const baseView = z.object({
  id: z.string(),
  name: z.string(),
  district: z.string(),
  place: z.string().nullable(),
  location: point.nullable(),
  areaKm2: z.number().nullable(),
  founders: z.array(z.string()),
  createdAt: z.string(),
});

export const projectView = z.object({
  id: z.string(),
  baseId: z.string(),
  name: z.string(),
  method: z.enum(projectMethods),
  media: z.array(z.string()),
  district: z.string(),
  town: z.string().nullable(),
  location: point.nullable(),
  owner: z.string().nullable(),
  implementer: z.string().nullable(),
  budgetFen: z.number().int(),
  fundedFen: z.number().int(),
  gapFen: z.number().int(),
  minContributionFen: z.number().int(),
  acceptedDamageTypes: z.array(z.string()),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  status: z.enum(projectStatuses),
  statusLabel: labels,
  acceptanceCriteria: z.string().nullable(),
  publicBenefit: z.string().nullable(),
  version: z.number().int(),
  allowedActions: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  history: z
    .array(z.object({ seq: z.number(), type: z.string(), payload: z.record(z.string(), z.unknown()), actor: z.object({ clientId: z.string(), role: z.string() }), at: z.string(), from: z.string().nullable(), to: z.string(), version: z.number() }))
    .optional(),
});

const reason = z.object({ factor: z.string(), weight: z.number(), value: z.number(), note: z.string() });

export const projectSuggestionsView = z.object({
  items: z.array(
    z.object({ projectId: z.string(), score: z.number(), reasons: z.array(reason), obligationId: z.string(), amountFen: z.number(), name: z.string(), baseId: z.string(), gapFen: z.number() }),
  ),
});

export const caseSuggestionsView = z.object({
  items: z.array(
    z.object({ caseId: z.string(), obligationId: z.string(), score: z.number(), reasons: z.array(reason), amountFen: z.number(), caseNo: z.string().nullable(), title: z.string(), district: z.string() }),
  ),
});

export const planView = z.object({
  allocations: z.array(z.object({ caseId: z.string(), obligationId: z.string(), projectId: z.string(), amountFen: z.number(), score: z.number() })),
  unallocatedFen: z.number(),
  objective: z.number(),
  solver: z.object({ name: z.string(), optimal: z.boolean(), ms: z.number() }),
});

export const allocationView = z.object({
  id: z.string(),
  caseId: z.string(),
  caseNo: z.string().nullable().describe('The case number when the allocation was proposed'),
  caseTitle: z.string().nullable().describe('The case title when the allocation was proposed'),
  obligationId: z.string(),
  projectId: z.string(),
  baseId: z.string(),
  district: z.string(),
  amountFen: z.number().int(),
  score: z.number(),
  status: z.enum(allocationStatuses),
  proposedBy: z.object({ clientId: z.string(), role: z.string(), at: z.string() }),
  acceptedByCase: z.object({ clientId: z.string(), at: z.string() }).nullable(),
  acceptedByProject: z.object({ clientId: z.string(), at: z.string() }).nullable(),
  declinedBy: z.object({ clientId: z.string(), role: z.string(), at: z.string(), reason: z.string().optional() }).nullable(),
  confirmedAt: z.string().nullable(),
  confirming: z.boolean(),
  releases: z.array(z.object({ id: z.string(), amountFen: z.number(), milestone: z.string(), releasedAt: z.string(), note: z.string().optional(), by: z.object({ clientId: z.string(), role: z.string() }) })),
  releasedFen: z.number().int(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
