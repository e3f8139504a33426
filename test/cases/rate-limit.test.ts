import { startTestService } from '../support/service';
import { as, newClient } from '../support/api';

function expectErrorShape(body: unknown, code: string) {
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a token exceeds its budget, and other tokens are unaffected', async () => {
    const limited = await startTestService({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
    try {
      const a = as(limited.app, (await newClient(limited.app, 'viewer', { districts: ['吴中区'] })).token);
      const b = as(limited.app, (await newClient(limited.app, 'viewer', { districts: ['吴中区'] })).token);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await a.get('/cases')).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      const over = await a.get('/cases').expect(429);
      expect(over.headers['retry-after']).toMatch(/^\d+$/);
      expectErrorShape(over.body, 'too_many_requests');
      await b.get('/cases').expect(200);
    } finally {
      await limited.stop();
    }
  });
});
