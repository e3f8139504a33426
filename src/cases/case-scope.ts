import type { QueryFilter } from 'mongoose';
import type { CaseDocument } from '../../models/case';
import type { Principal } from '../auth/principal';

declare const caseScopeBrand: unique symbol;

/**
 * Which cases a caller may see. Every case data-access function takes one as a required argument,
 * so a query that forgets the caller's scope does not compile. Only `caseScopeOf` and
 * `systemCaseScope` make one.
 */
export interface CaseScope {
  readonly [caseScopeBrand]: true;
  readonly districts: 'all' | readonly string[];
  /** Procuratorates see only cases notified, handed or deemed not pursued to them, or referred by them. */
  readonly procuratorateOnly: boolean;
  readonly label: string;
}

export function caseScopeOf(p: Principal): CaseScope {
  return { districts: p.districts, procuratorateOnly: p.role === 'procuratorate', label: p.clientId } as CaseScope;
}

/** For the service's own work (scheduler, re-offence check, case numbers), never for a reply. */
export function systemCaseScope(reason: string): CaseScope {
  return { districts: 'all', procuratorateOnly: false, label: `system:${reason}` } as CaseScope;
}

export function scopeFilter(scope: CaseScope): QueryFilter<CaseDocument> {
  return {
    ...(scope.districts === 'all' ? {} : { district: { $in: [...scope.districts] } }),
    ...(scope.procuratorateOnly ? { procuratorateVisible: true } : {}),
  };
}

export function inScope(scope: CaseScope, doc: Pick<CaseDocument, 'district' | 'procuratorateVisible'>): boolean {
  if (scope.districts !== 'all' && !scope.districts.includes(doc.district)) return false;
  return !scope.procuratorateOnly || !!doc.procuratorateVisible;
}
