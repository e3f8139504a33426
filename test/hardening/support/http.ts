import http from 'node:http';

/**
 * A small HTTP/1.1 client over real sockets with keep-alive, for the hardening tests and the load
 * bench: it sends exactly the bytes it is given (raw JSON text, odd headers, operator keys) and
 * never throws on a status. A network failure is reported as status 0 with the error's code.
 */

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  ms: number;
  /** Set when the request failed below HTTP (refused, reset, timeout). */
  networkError?: string;
}

export interface SendOptions {
  token?: string;
  /** An object is sent as JSON; a string is sent verbatim (raw JSON text, broken JSON). */
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export class HttpClient {
  readonly agent: http.Agent;

  constructor(
    readonly host: string,
    public port: number,
    maxSockets = 64,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(method: string, path: string, opts: SendOptions = {}): Promise<Reply> {
    const started = performance.now();
    const headers: Record<string, string | number> = { accept: 'application/json', ...(opts.headers ?? {}) };
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    let payload: Buffer | undefined;
    if (opts.body !== undefined) {
      payload = Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body), 'utf8');
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    return new Promise<Reply>((resolve) => {
      let settled = false;
      const finish = (r: Omit<Reply, 'ms'>) => {
        if (settled) return;
        settled = true;
        resolve({ ...r, ms: performance.now() - started });
      };
      const req = http.request({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err: NodeJS.ErrnoException) => finish({ status: 0, headers: {}, text: '', json: undefined, networkError: err.code ?? err.message }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          if (String(res.headers['content-type'] ?? '').includes('json')) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          finish({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => finish({ status: 0, headers: {}, text: '', json: undefined, networkError: err.code ?? err.message }));
      if (opts.timeoutMs) {
        req.setTimeout(opts.timeoutMs, () => {
          req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
        });
      }
      if (payload) req.end(payload);
      else req.end();
    });
  }

  get(path: string, token?: string, headers?: Record<string, string>) {
    return this.request('GET', path, { token, headers });
  }

  post(path: string, body: unknown, token?: string, headers?: Record<string, string>) {
    return this.request('POST', path, { token, body, headers });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The API prefix. */
export const API = '/api/v1';

/** Fails with the reply when the status is not the expected one; returns the JSON body. */
export function expectStatus<T = Record<string, unknown>>(reply: Reply, status: number, what: string): T {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${reply.networkError ?? reply.text.slice(0, 500)}`);
  return reply.json as T;
}
