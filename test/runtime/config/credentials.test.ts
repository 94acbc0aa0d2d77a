import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CredentialsError, Secret, loadCredentials } from '../../../src/runtime/config/index.js';

const KEY = 'live-key-0123456789';
const SECRET = 'live-secret-abcdef';

describe('Secret', () => {
  it('prints [redacted] through every serialisation path', () => {
    const s = new Secret(SECRET);
    expect(String(s)).toBe('[redacted]');
    expect(`${s}`).toBe('[redacted]');
    expect(JSON.stringify({ s })).toBe('{"s":"[redacted]"}');
    expect(inspect(s)).toBe('[redacted]');
    expect(inspect({ nested: { s } }, { depth: 5 })).not.toContain(SECRET);
    expect(Object.entries(s)).toEqual([]);
    expect({ ...s }).toEqual({});
  });

  it('reveals the value to the signer', () => {
    expect(new Secret(SECRET).reveal()).toBe(SECRET);
  });
});

describe('loadCredentials', () => {
  it('needs nothing for the simulator', () => {
    expect(loadCredentials('sim', {})).toBeNull();
  });

  it('reads both variables for the live exchange', () => {
    const c = loadCredentials('whitebit', { WHITEBIT_API_KEY: KEY, WHITEBIT_API_SECRET: SECRET });
    expect(c?.apiKey.reveal()).toBe(KEY);
    expect(c?.apiSecret.reveal()).toBe(SECRET);
    expect(JSON.stringify(c)).not.toContain(SECRET);
  });

  it.each([
    [{}, ['WHITEBIT_API_KEY', 'WHITEBIT_API_SECRET']],
    [{ WHITEBIT_API_KEY: KEY }, ['WHITEBIT_API_SECRET']],
    [{ WHITEBIT_API_KEY: '  ', WHITEBIT_API_SECRET: SECRET }, ['WHITEBIT_API_KEY']],
  ])('names what is missing for exchange: whitebit (%o)', (env, missing) => {
    let error: unknown;
    try {
      loadCredentials('whitebit', env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as CredentialsError).missing).toEqual(missing);
    expect((error as Error).message).toContain(`exchange: whitebit needs ${missing.join(' and ')} in the environment`);
    expect((error as Error).message).not.toContain(SECRET);
  });
});
