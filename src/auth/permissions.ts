import { errors } from '../http/errors';
import type { Role } from '../../workflows/vocabulary';
import type { Principal } from './principal';

/**
 * The one permission table: which roles may perform each action. Object scope (district, base,
 * procuratorate visibility) is enforced by the scoped data-access functions, which answer a foreign
 * object exactly like a missing one (404). The service and the authorization tests both read this
 * table, so they cannot drift apart.
 *
 * `scope` documents how the object is scoped, for the tests and the docs:
 *   none      — no object (or the whole collection is public to these roles)
 *   district  — the caller's districts must cover the district the request names
 *   case      — the case must be visible to the caller (districts; procuratorate visibility)
 *   base      — the base must be one of the caller's bases (base managers)
 *   project   — the project's base must be one of the caller's bases (base managers), or any for others
 */
export type Scope = 'none' | 'district' | 'case' | 'base' | 'project' | 'allocation';

const everyone: Role[] = ['admin', 'handler', 'reviewer', 'procuratorate', 'baseManager', 'viewer'];
const caseReaders: Role[] = ['admin', 'handler', 'reviewer', 'viewer', 'procuratorate'];

export const permissions = {
  'clients.create': { roles: ['admin'], scope: 'none' },
  'clients.list': { roles: ['admin'], scope: 'none' },
  'clients.revoke': { roles: ['admin'], scope: 'none' },
  'me.read': { roles: everyone, scope: 'none' },

  'cases.register': { roles: ['handler'], scope: 'district' },
  'cases.list': { roles: caseReaders, scope: 'case' },
  'cases.read': { roles: caseReaders, scope: 'case' },
  'cases.history': { roles: caseReaders, scope: 'case' },
  'cases.verifyHistory': { roles: ['admin', 'handler', 'reviewer', 'procuratorate'], scope: 'case' },
  /** Which events each role may send is the workflow's own table (workflows/case-events.ts). */
  'cases.sendEvent': { roles: ['handler', 'reviewer', 'procuratorate'], scope: 'case' },

  'workflow.read': { roles: everyone, scope: 'none' },
  'calendar.read': { roles: everyone, scope: 'none' },
  'calendar.write': { roles: ['admin'], scope: 'none' },

  'procuratorate.transferLead': { roles: ['procuratorate'], scope: 'district' },
  'procuratorate.cases': { roles: ['procuratorate'], scope: 'case' },
  'procuratorate.changes': { roles: ['procuratorate'], scope: 'case' },

  'bases.create': { roles: ['admin'], scope: 'none' },
  'bases.list': { roles: everyone, scope: 'none' },
  'projects.create': { roles: ['baseManager'], scope: 'base' },
  'projects.update': { roles: ['baseManager'], scope: 'project' },
  'projects.transition': { roles: ['baseManager'], scope: 'project' },
  'projects.list': { roles: everyone, scope: 'none' },
  'projects.read': { roles: everyone, scope: 'none' },

  'matching.caseSuggestions': { roles: ['admin', 'handler', 'reviewer'], scope: 'case' },
  'matching.projectSuggestions': { roles: ['baseManager', 'handler', 'reviewer', 'admin'], scope: 'project' },
  'matching.plan': { roles: ['admin', 'handler', 'reviewer'], scope: 'district' },
  'allocations.propose': { roles: ['handler', 'baseManager'], scope: 'allocation' },
  'allocations.read': { roles: ['admin', 'handler', 'reviewer', 'viewer', 'baseManager'], scope: 'allocation' },
  'allocations.respond': { roles: ['handler', 'baseManager'], scope: 'allocation' },
  'allocations.release': { roles: ['handler'], scope: 'allocation' },
  'escrow.read': { roles: ['admin', 'handler', 'reviewer', 'viewer'], scope: 'district' },

  'stats.read': { roles: everyone, scope: 'district' },
} as const satisfies Record<string, { roles: readonly Role[]; scope: Scope }>;

export type Action = keyof typeof permissions;

export function isAllowed(role: Role, action: Action): boolean {
  const rule = permissions[action] as { roles: readonly Role[] } | undefined;
  return !!rule && rule.roles.includes(role);
}

/** The first line of every service function: deny unless the table allows the caller's role. */
export function requireAccess(principal: Principal | undefined, action: Action): Principal {
  if (!principal) throw errors.unauthenticated();
  if (!isAllowed(principal.role, action)) throw errors.forbidden(`The role ${principal.role} may not ${action}.`);
  return principal;
}
