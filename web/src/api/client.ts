/**
 * The console's only way to the service: the public JSON API at /api/v1 with the signed-in token.
 * Every failure becomes an ApiError carrying the contract's error shape, and `errorText` turns it
 * into a sentence a case handler can act on.
 */

const TOKEN_KEY = 'eco.apiToken';
export const API_BASE = '/api/v1';

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Listeners told when the service answers 401 (the token was revoked or has expired). */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(fn: () => void): () => void {
  unauthenticatedListeners.add(fn);
  return () => unauthenticatedListeners.delete(fn);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined | null>;
  token?: string;
  signal?: AbortSignal;
}

export function buildQuery(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const token = opts.token ?? storedToken();
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}${buildQuery(opts.query)}`, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', '无法连接服务');
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    if (res.status === 401 && !opts.token) unauthenticatedListeners.forEach((fn) => fn());
    throw new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? res.statusText, error?.details);
  }
  return parsed as T;
}

/** Downloads a file from the API (with the token) and hands it to the browser as a download. */
export async function download(path: string, filename: string): Promise<void> {
  const token = storedToken();
  const res = await fetch(`${API_BASE}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, res.statusText);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The Chinese part of a reason written as "中文（English）" by the workflow's guards. */
export function chineseReason(reason: string): string {
  const m = /^(.*[\u4e00-\u9fff].*?)（[^（）]*[A-Za-z][^（）]*）\s*$/.exec(reason);
  return m ? m[1]!.trim() : reason;
}

const hasChinese = (s: string) => /[\u4e00-\u9fff]/.test(s);

/**
 * A plain-language sentence for a failed request. `fieldLabel` names fields in 400 replies;
 * `eventLabel` names events in 422 event_not_allowed replies.
 */
export function errorText(
  err: unknown,
  opts: { fieldLabel?: (path: string) => string; eventLabel?: (type: string) => string; stateLabel?: (state: string) => string } = {},
): string {
  if (!(err instanceof ApiError)) return `操作失败：${(err as Error)?.message ?? String(err)}`;
  const d = (err.details ?? {}) as Record<string, unknown>;
  switch (err.code) {
    case 'version_conflict':
      return '该案件已被他人更新，请刷新后重试';
    case 'idempotency_key_reused':
      return '该请求编号已用于另一项不同的提交，请刷新后重试';
    case 'guard_failed': {
      const reason = typeof d.reason === 'string' ? d.reason : err.message;
      return `操作未被接受：${chineseReason(reason)}`;
    }
    case 'event_not_allowed': {
      const state = typeof d.state === 'string' ? (opts.stateLabel?.(d.state) ?? d.state) : '';
      const allowed = Array.isArray(d.allowedEvents) ? (d.allowedEvents as string[]).map((t) => opts.eventLabel?.(t) ?? t) : [];
      return `案件当前状态（${state}）不接受该操作${allowed.length ? `；当前可办理：${allowed.join('、')}` : ''}`;
    }
    case 'invalid_request': {
      const items = Array.isArray(err.details) ? (err.details as { path?: string; message?: string }[]) : [];
      const fields = items.map((i) => `${opts.fieldLabel?.(i.path ?? '') ?? i.path}${i.message ? `（${i.message}）` : ''}`);
      return `提交的内容不符合要求${fields.length ? `：${fields.join('；')}` : ''}`;
    }
    case 'unauthenticated':
      return '访问令牌无效或已被撤销，请重新登录';
    case 'forbidden':
      return '您的角色无权执行此操作';
    case 'not_found':
      return '未找到该对象，或不在您的管辖范围内';
    case 'payload_too_large':
      return '提交的内容过大';
    case 'too_many_requests':
      return '请求过于频繁，请稍后再试';
    case 'network_error':
      return '无法连接服务，请检查网络后重试';
    default:
      if (err.status === 422 || err.status === 409) return `操作未被接受：${hasChinese(err.message) ? chineseReason(err.message) : err.message}`;
      if (err.status >= 500) return '服务暂时不可用，请稍后再试';
      return `操作失败（${err.status}）：${err.message}`;
  }
}

/** A fresh Idempotency-Key (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
