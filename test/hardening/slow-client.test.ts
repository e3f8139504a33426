import net from 'node:net';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../support/service';
import { API, HttpClient } from './support/http';

/**
 * Slow-body protection, on real sockets. The HTTP server sets headersTimeout (15 s) and
 * requestTimeout (30 s) in src/server.ts; Node checks them every connectionsCheckingInterval
 * (5 s there), so a client is cut off at the first check after its limit: a trickled body within
 * 30–35 s, trickled headers within 15–20 s, each with a 408 in the API's error shape. Both tricklers run at once (one byte every
 * 500 ms, so the socket is never idle) while an ordinary client checks that the service keeps
 * answering. Without the timeouts the tricklers would be served for as long as they liked; they
 * give up after 100 s, so the test fails instead of hanging.
 */

let svc: TestService;

beforeAll(async () => {
  svc = await startTestService({ listen: true });
}, 120_000);
afterAll(async () => {
  await svc?.stop();
});

interface Trickle {
  /** Milliseconds from the first byte until the server answered or closed the socket, or null if it never did. */
  cutAfterMs: number | null;
  bytesSent: number;
  firstLine: string;
  /** The answer's body, if any. */
  body: string;
}

/** Sends `head` at once, then `drip` one byte every `everyMs`, until the server reacts or `giveUpMs` passes. */
function trickle(port: number, head: string, drip: string, everyMs: number, giveUpMs: number): Promise<Trickle> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let bytesSent = 0;
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    let answeredAt: number | null = null;
    const finish = (cut: boolean) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      socket.destroy();
      const at = answeredAt ?? Date.now();
      resolve({ cutAfterMs: cut ? at - started : null, bytesSent, firstLine: received.split('\r\n')[0] ?? '', body: received.split('\r\n\r\n')[1] ?? '' });
    };
    socket.on('connect', () => {
      socket.write(head);
      bytesSent += Buffer.byteLength(head);
      let i = 0;
      timer = setInterval(() => {
        if (Date.now() - started > giveUpMs) return finish(false);
        if (socket.destroyed || !socket.writable) return finish(true);
        socket.write(drip[i++ % drip.length]!);
        bytesSent += 1;
      }, everyMs);
    });
    socket.on('data', (d) => {
      received += d.toString('utf8'); // the answer, read to its end (the server closes after it)
      answeredAt ??= Date.now();
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

describe('slow clients', () => {
  it('cuts off a client trickling its body, and one trickling its headers, while serving everyone else', async () => {
    const port = svc.port!;
    const body = JSON.stringify({ title: '慢速请求', channel: 'complaint', receivedAt: '2026-01-02', district: '吴中区' });
    const bodyTrickle = trickle(
      port,
      `POST ${API}/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body) + 100_000}\r\n\r\n`,
      body,
      500,
      100_000,
    );
    const headerTrickle = trickle(port, `GET ${API}/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `, 'a', 500, 100_000);

    // Meanwhile an ordinary client is served as usual.
    const http = new HttpClient('127.0.0.1', port, 2);
    const others: number[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const r = await http.get('/health');
        others.push(r.status === 200 ? r.ms : -1);
        await new Promise((r2) => setTimeout(r2, 1_000));
      }
    })();
    const [b, h] = await Promise.all([bodyTrickle, headerTrickle]);
    watching = false;
    await watcher;
    http.close();

    console.log(
      [
        `slow clients: body trickled 1 byte/500 ms cut off after ${b.cutAfterMs === null ? 'never' : `${(b.cutAfterMs / 1000).toFixed(1)} s`} (${b.bytesSent} bytes sent; answer: "${b.firstLine}")`,
        `  headers trickled 1 byte/500 ms cut off after ${h.cutAfterMs === null ? 'never' : `${(h.cutAfterMs / 1000).toFixed(1)} s`} (${h.bytesSent} bytes sent; answer: "${h.firstLine}")`,
        `  meanwhile ${others.length} ordinary requests, ${others.filter((x) => x >= 0).length} answered (slowest ${Math.round(Math.max(...others))} ms)`,
      ].join('\n'),
    );
    expect(b.cutAfterMs).not.toBeNull();
    expect(b.cutAfterMs!).toBeGreaterThanOrEqual(29_000); // requestTimeout, not something else
    expect(b.cutAfterMs!).toBeLessThan(75_000); // 30 s + one 30 s check interval + slack
    expect(h.cutAfterMs).not.toBeNull();
    expect(h.cutAfterMs!).toBeGreaterThanOrEqual(14_000);
    expect(h.cutAfterMs!).toBeLessThan(60_000);
    expect(others.every((x) => x >= 0)).toBe(true);
    // Cut off with an answer in the API's error shape, not an empty one.
    for (const t of [b, h]) {
      expect(t.firstLine).toBe('HTTP/1.1 408 Request Timeout');
      expect(JSON.parse(t.body)).toEqual({ error: { code: 'request_timeout', message: expect.any(String) } });
    }
  }, 150_000);

  it('answers headers over Node\'s limit with 431 in the error shape', async () => {
    const t = await trickle(svc.port!, `GET ${API}/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'x'.repeat(20_000)}\r\n\r\n`, ' ', 1_000, 10_000);
    expect(t.firstLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(t.body)).toEqual({ error: { code: 'headers_too_large', message: expect.any(String) } });
  });

  it('refuses a body over the limit with 413 in the error shape, on a real socket', async () => {
    const http = new HttpClient('127.0.0.1', svc.port!, 1);
    const r = await http.post(`${API}/cases`, JSON.stringify({ title: 'x'.repeat(300_000) }), TEST_ADMIN_TOKEN);
    http.close();
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
  });
});
