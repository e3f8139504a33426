import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type RequestOptions } from '../api/client';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * GETs `path` (null: nothing yet) and keeps the reply, the error and a loading flag. A newer
 * request supersedes an older one, so a slow reply never overwrites a fresher one.
 */
export function useApi<T>(path: string | null, query?: RequestOptions['query']): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | Error | undefined>(undefined);
  const [loading, setLoading] = useState<boolean>(path !== null);
  const [tick, setTick] = useState(0);
  const queryKey = JSON.stringify(query ?? {});
  const latest = useRef(0);

  useEffect(() => {
    if (path === null) return;
    const n = ++latest.current;
    const ctrl = new AbortController();
    setLoading(true);
    api<T>(path, { query: JSON.parse(queryKey) as RequestOptions['query'], signal: ctrl.signal })
      .then((d) => {
        if (n !== latest.current) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (n !== latest.current || (e as Error).name === 'AbortError') return;
        setError(e as Error);
      })
      .finally(() => {
        if (n === latest.current) setLoading(false);
      });
    return () => ctrl.abort();
  }, [path, queryKey, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** True when the error says the endpoint or object does not exist (yet). */
export function isMissing(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}
