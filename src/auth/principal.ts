import type { Role } from '../../workflows/vocabulary';

/** Who is calling: resolved from the bearer token once per request. */
export interface Principal {
  clientId: string;
  name: string;
  role: Role;
  /** 'all' or the district names the client may see. */
  districts: 'all' | readonly string[];
  baseIds: readonly string[];
}

export const ALL_DISTRICTS = '*';

export function districtsOf(stored: readonly string[]): 'all' | readonly string[] {
  return stored.includes(ALL_DISTRICTS) ? 'all' : stored;
}

export function coversDistrict(p: Principal, district: string): boolean {
  return p.districts === 'all' || p.districts.includes(district);
}
