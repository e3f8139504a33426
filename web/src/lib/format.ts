/**
 * How the console writes dates and money. Business dates are China Standard Time (the service
 * reads a bare date as that day in Beijing), so dates are shown in UTC+8 whatever the browser's zone.
 */

const CST_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

function cstParts(iso: string | Date): { y: number; m: number; d: number; hh: number; mm: number } | null {
  const t = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  if (Number.isNaN(t)) return null;
  const c = new Date(t + CST_MS);
  return { y: c.getUTCFullYear(), m: c.getUTCMonth() + 1, d: c.getUTCDate(), hh: c.getUTCHours(), mm: c.getUTCMinutes() };
}

/** 2026年1月5日 */
export function formatDate(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  const p = cstParts(iso);
  return p ? `${p.y}年${p.m}月${p.d}日` : String(iso);
}

/** 2026年1月5日 10:05 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const p = cstParts(iso);
  return p ? `${p.y}年${p.m}月${p.d}日 ${String(p.hh).padStart(2, '0')}:${String(p.mm).padStart(2, '0')}` : iso;
}

/** The CST calendar day number of an instant (days since the epoch). */
function cstDay(t: number): number {
  return Math.floor((t + CST_MS) / DAY_MS);
}

/** Whole calendar days from today (CST) to the due date: negative when past. */
export function daysLeft(dueIso: string, now: Date = new Date()): number {
  return cstDay(Date.parse(dueIso)) - cstDay(now.getTime());
}

const yuanFormat = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: true });

/** 1,234,567.89 元 (from integer fen). */
export function formatYuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || Number.isNaN(fen)) return '—';
  return `${yuanFormat.format(fen / 100)} 元`;
}

/** Yuan entered in a form (up to 2 decimals) as integer fen. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}

export function fenToYuan(fen: number): number {
  return fen / 100;
}

/** Thousands separators for money inputs: 1234567.8 → "1,234,567.8". */
export function groupDigits(value: string | number | undefined): string {
  if (value === undefined || value === null || value === '') return '';
  const [int, frac] = String(value).split('.');
  const grouped = (int ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac !== undefined ? `${grouped}.${frac}` : grouped;
}

export function ungroupDigits(text: string | undefined): string {
  return (text ?? '').replace(/[,，\s元]/g, '');
}

/** 87.5% from a 0..1 ratio; "—" when undefined. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

/** YYYY-MM-DD of a dayjs-like value in its own calendar (what the user picked). */
export function isoDate(d: { format(f: string): string }): string {
  return d.format('YYYY-MM-DD');
}
