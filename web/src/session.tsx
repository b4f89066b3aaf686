import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { AuthError } from '../../src/sdk/errors.js';
import { CamtroveClient } from './api/client.js';

const TOKEN_KEY = 'camtrove.token';

interface Session {
  client: CamtroveClient;
  /** Runs a call; a 401 asks for a token (and the call rejects as it did). */
  call: <T>(work: (client: CamtroveClient) => Promise<T>) => Promise<T>;
  /** Why the server asked for a token, while it does; null otherwise. */
  tokenNeeded: string | null;
  /** Checks a token against the server and keeps it for this browser session; resolves with why it was refused, or null. */
  tryToken: (token: string) => Promise<string | null>;
  forgetToken: () => void;
}

const SessionContext = createContext<Session | null>(null);

/**
 * The session with the server: the API token (kept in sessionStorage, so it lasts as long as the
 * tab, and sent as a bearer token), and whether the server wants one.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
  const [tokenNeeded, setTokenNeeded] = useState<string | null>(null);
  const client = useMemo(() => new CamtroveClient(token), [token]);
  const current = useRef(client);
  useEffect(() => {
    current.current = client;
  }, [client]);

  const call = useCallback(async <T,>(work: (client: CamtroveClient) => Promise<T>): Promise<T> => {
    const used = current.current;
    try {
      return await work(used);
    } catch (error) {
      // Only an answer to the token in use counts: a call made before a new token was given is moot.
      if (error instanceof AuthError && error.status === 401 && used === current.current) setTokenNeeded(error.message);
      throw error;
    }
  }, []);

  const tryToken = useCallback(async (candidate: string): Promise<string | null> => {
    const trimmed = candidate.trim();
    if (trimmed === '') return 'Enter a token.';
    try {
      await new CamtroveClient(trimmed).library();
    } catch (error) {
      if (error instanceof AuthError) return `The server did not accept this token: ${error.message}`;
      return (error as Error).message;
    }
    sessionStorage.setItem(TOKEN_KEY, trimmed);
    setToken(trimmed);
    setTokenNeeded(null);
    return null;
  }, []);

  const forgetToken = useCallback(() => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
  }, []);

  const session = useMemo(() => ({ client, call, tokenNeeded, tryToken, forgetToken }), [client, call, tokenNeeded, tryToken, forgetToken]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export interface Loaded<T> {
  data: T | null;
  error: Error | null;
  reload: () => void;
}

/**
 * Data from the API for a page: loaded again when `key` (what the load depends on) or the token
 * changes, when `reload` is called and, with `refreshMs`, every so often while the page is open (the
 * queue and the overview move).
 */
export function useApi<T>(load: (client: CamtroveClient) => Promise<T>, key: string, refreshMs?: number): Loaded<T> {
  const { call, client } = useSession();
  const [state, setState] = useState<{ data: T | null; error: Error | null }>({ data: null, error: null });
  const [generation, setGeneration] = useState(0);
  // The latest `load`: a new function each render, whose inputs `key` names.
  const latest = useRef(load);
  useEffect(() => {
    latest.current = load;
  });
  useEffect(() => {
    let live = true;
    const run = () => {
      call((c) => latest.current(c)).then(
        (data) => live && setState({ data, error: null }),
        (error: unknown) => live && setState((previous) => ({ data: previous.data, error: error as Error })),
      );
    };
    run();
    const timer = refreshMs ? setInterval(run, refreshMs) : undefined;
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [call, client, key, generation, refreshMs]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
