import { createHash } from 'node:crypto';
import { LeadTransferModel } from '../../models/lead-transfer';
import type { AppContext } from '../context';
import { newId } from '../ids';

/**
 * Deduplication of lead transfers on (client, sourceRef) without transactions. The first transfer
 * inserts a claim whose unique _id is derived from the pair and which fixes the id the case will
 * have; every later or concurrent transfer of the pair reads that claim. The case is then created
 * under the claimed id, so the case's own unique _id lets exactly one creation succeed, whoever
 * tries: the first request, or a repeat whose first request died before creating the case.
 * Claims are never deleted (deleting one could let a concurrent repeat create a second case).
 */

export interface LeadTransferClaim {
  caseId: string;
  /** This request inserted the claim. */
  mine: boolean;
}

function claimId(clientId: string, sourceRef: string): string {
  return createHash('sha256').update(`${clientId}\n${sourceRef}`).digest('hex');
}

export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}

export async function claimLeadTransfer(ctx: AppContext, clientId: string, sourceRef: string): Promise<LeadTransferClaim> {
  const _id = claimId(clientId, sourceRef);
  const caseId = newId('case');
  try {
    await LeadTransferModel.create({ _id, clientId, sourceRef, caseId, createdAt: ctx.clock.now() });
    return { caseId, mine: true };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  const existing = await LeadTransferModel.findById(_id).lean();
  if (!existing) throw new Error(`lead transfer claim ${_id} reported as duplicate but not found`);
  return { caseId: existing.caseId, mine: false };
}
