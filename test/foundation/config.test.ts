import { ConfigError, loadConfig } from '../../src/config';

describe('configuration from the environment', () => {
  it('applies the documented defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATA_DIR).toBe('./data');
    expect(c.ENGINE).toBe('auto');
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.MONGODB_URI).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty', 'PORT'],
    ['PORT', '70000', 'PORT'],
    ['ENGINE', 'postgres', 'ENGINE'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL'],
    ['MONGODB_URI', 'http://localhost', 'MONGODB_URI'],
    ['ADMIN_TOKEN', 'short', 'ADMIN_TOKEN'],
    ['BODY_LIMIT', 'lots', 'BODY_LIMIT'],
  ])('rejects %s=%s with a message naming the variable', (name, value, named) => {
    let caught: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toContain(named);
  });

  it('requires ADMIN_TOKEN in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN/);
    expect(loadConfig({ NODE_ENV: 'production', ADMIN_TOKEN: 'x'.repeat(32) }).ADMIN_TOKEN).toHaveLength(32);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
  });
});
