import { jsonDepth, MAX_JSON_DEPTH } from '../../src/http/json-depth';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('jsonDepth (the parser refuses bodies nested deeper than MAX_JSON_DEPTH)', () => {
  it('counts objects and arrays', () => {
    expect(jsonDepth(bytes('1'))).toBe(0);
    expect(jsonDepth(bytes('{"a":1}'))).toBe(1);
    expect(jsonDepth(bytes('{"a":[{"b":[]}],"c":{}}'))).toBe(4);
    expect(jsonDepth(bytes(`${'['.repeat(40)}${']'.repeat(40)}`))).toBe(40);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const brackets = '[{'.repeat(100);
    expect(jsonDepth(bytes(JSON.stringify({ title: brackets, note: `say "${brackets}" twice` })))).toBe(1);
    expect(jsonDepth(bytes(JSON.stringify({ a: '\\', b: [[1]] })))).toBe(3);
  });

  it('takes every legitimate body of the API: Chinese text, money, nested payloads', () => {
    const body = { type: 'ASSESSMENT_COMPLETED', route: 'formal', amountFen: 1_000_000, breakdown: { interimLossFen: 1 }, note: '太湖｛湿地｝【修复】' };
    expect(jsonDepth(bytes(JSON.stringify(body)))).toBeLessThanOrEqual(MAX_JSON_DEPTH);
  });
});
