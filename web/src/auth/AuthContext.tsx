import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onUnauthenticated, storedToken, storeToken } from '../api/client';
import type { Me } from '../api/types';

/**
 * Who is signed in. The API token is kept in sessionStorage only (gone when the tab closes) and
 * checked against GET /me before it is kept.
 */
interface AuthState {
  me: Me | null;
  /** True while a stored token is being checked at start. */
  restoring: boolean;
  signIn(token: string): Promise<Me>;
  signOut(): void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [restoring, setRestoring] = useState(() => storedToken() !== null);

  useEffect(() => {
    const token = storedToken();
    if (!token) return;
    api<Me>('/me', { token })
      .then(setMe)
      .catch(() => storeToken(null))
      .finally(() => setRestoring(false));
  }, []);

  const signOut = useCallback(() => {
    storeToken(null);
    setMe(null);
  }, []);

  useEffect(() => onUnauthenticated(signOut), [signOut]);

  const signIn = useCallback(async (token: string) => {
    const who = await api<Me>('/me', { token: token.trim() });
    storeToken(token.trim());
    setMe(who);
    return who;
  }, []);

  const value = useMemo(() => ({ me, restoring, signIn, signOut }), [me, restoring, signIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in client (pages behind the sign-in only). */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('not signed in');
  return me;
}

export const caseRoles = ['admin', 'handler', 'reviewer', 'viewer', 'procuratorate'];
export const canReadCases = (me: Me) => caseRoles.includes(me.role);
export const canRegister = (me: Me) => me.role === 'handler';
export const isBaseManager = (me: Me) => me.role === 'baseManager';
export const canSeeEscrow = (me: Me) => ['admin', 'handler', 'reviewer', 'viewer'].includes(me.role);
export const canSeeAllocations = (me: Me) => ['admin', 'handler', 'reviewer', 'viewer', 'baseManager'].includes(me.role);
