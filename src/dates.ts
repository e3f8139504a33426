/** A stored date as an ISO 8601 string for a reply; null when there is none. */
export function isoOrNull(d: Date | string | null | undefined): string | null {
  return d ? new Date(d).toISOString() : null;
}
