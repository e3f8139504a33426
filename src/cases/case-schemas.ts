import { z } from 'zod';
import { instant, objectRef, reference, shortText, text } from '../../workflows/fields';
import { channels, media, partyKinds } from '../../workflows/vocabulary';
import type { TopState } from '../../workflows/case-context';

/** HTTP schemas of the case endpoints. Strict: unknown keys are a 400. */

export const districtName = z.string().trim().min(1).max(50).regex(/^[^$.]/, 'must not start with $ or .');

export const partyInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    kind: z.enum(partyKinds.values),
    creditCode: z.string().trim().regex(/^[0-9A-Z]{18}$/, 'a unified social credit code: 18 digits or capital letters').optional(),
    idNumber: z.string().trim().regex(/^\d{17}[\dXx]$/, 'an 18-character resident identity number').optional(),
  })
  .strict();

export const registerLeadBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    channel: z.enum(channels.values),
    receivedAt: instant,
    district: districtName,
    description: text(10_000).optional(),
    sourceRef: reference.optional(),
    place: shortText.optional(),
    location: z.object({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) }).strict().optional(),
    redLine: z.boolean().optional(),
    damageMedia: z.array(z.enum(media.values)).max(12).optional(),
    parties: z.array(partyInput).max(50).optional(),
  })
  .strict();
export type RegisterLeadInput = z.infer<typeof registerLeadBody>;

export const topStates: [TopState, ...TopState[]] = [
  'lead', 'verification', 'startDecision', 'investigation', 'assessment', 'consultation', 'agreement',
  'judicialConfirmation', 'litigation', 'publicInterestLitigation', 'performance', 'evaluation', 'suspended', 'closed',
];

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listCasesQuery = z
  .object({
    state: z.enum(topStates).optional(),
    district: districtName.optional(),
    channel: z.enum(channels.values).optional(),
    overdue: flag.optional(),
    major: flag.optional(),
    restorationPending: flag.optional().meta({ description: 'true: restoration or substitute restoration owed and not yet restored (also after closure); false: none owed, or restored' }),
    q: z.string().trim().min(1).max(100).optional(),
    openedFrom: instant.optional(),
    openedTo: instant.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
    count: flag.optional(),
  })
  .strict();

export const caseIdParam = objectRef;
