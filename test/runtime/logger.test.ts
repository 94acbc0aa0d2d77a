import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/runtime/config/index.js';
import {
  REDACT_PATHS,
  asyncDestination,
  colorEnabled,
  createLogger,
  fixedShapeLogger,
  gatheringDestination,
  lineGatherer,
  marketLogger,
} from '../../src/runtime/logger.js';

const KEY = 'live-key-0123456789';
const SECRET = 'live-secret-abcdef';
const SIGNATURE = 'deadbeefcafe0123';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('never shows the key, the secret or a signature, however they are logged', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'trace', destination });
    const market = marketLogger(log, 'BTC_USDT');
    // Raw strings under secret-like names, at several depths.
    market.info({ apiKey: KEY, apiSecret: SECRET }, 'top level');
    market.info({ credentials: { apiKey: KEY, secret: SECRET } }, 'one down');
    market.info({ req: { headers: { 'X-TXC-APIKEY': KEY, 'X-TXC-SIGNATURE': SIGNATURE, 'X-TXC-PAYLOAD': 'eyJub25jZSI6MX0=' } } }, 'headers');
    market.info({ req: { headers: { 'x-txc-apikey': KEY, 'x-txc-signature': SIGNATURE } } }, 'lower-case headers');
    market.info({ a: { b: { c: { api_secret: SECRET, signature: SIGNATURE } } } }, 'three down');
    // Secrets wrapped as the runtime holds them, under names redact does not know.
    market.warn({ creds: { k: new Secret(KEY), s: new Secret(SECRET) } }, 'wrapped');
    const text = lines.join('\n');
    expect(lines).toHaveLength(6);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SIGNATURE);
    expect(text).toContain('[redacted]');
    const first = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(first).toMatchObject({ market: 'BTC_USDT', apiKey: '[redacted]', apiSecret: '[redacted]', msg: 'top level' });
  });

  it('the fixed-shape logger (market log lines) still censors secret names at the top level', () => {
    const { lines, destination } = capture();
    const hot = fixedShapeLogger(createLogger({ level: 'info', destination }));
    hot.info({ market: 'BTC_USDT', price: '64000', apiKey: KEY, 'x-txc-signature': SIGNATURE }, 'fill');
    expect(lines.join('\n')).not.toContain(KEY);
    expect(lines.join('\n')).not.toContain(SIGNATURE);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ market: 'BTC_USDT', price: '64000', apiKey: '[redacted]', app: 'gridbot' });
  });

  // Issue 13: a turn's market-log lines reach the destination as one write (sonic-boom pays per write).
  it('a gathering destination hands the lines logged inside gather() over as one write', () => {
    const writes: string[] = [];
    const destination = gatheringDestination({ write: (s: string) => writes.push(s) > 0 });
    const log = createLogger({ level: 'info', destination });
    const hot = fixedShapeLogger(log);
    const gatherer = lineGatherer(hot);
    expect(gatherer).toBe(destination);
    log.info({}, 'before');
    gatherer?.gather(() => {
      hot.info({ market: 'BTC_USDT' }, 'fill');
      hot.info({ market: 'BTC_USDT' }, 'counter-order sent');
      gatherer.gather(() => hot.warn({ market: 'BTC_USDT' }, 'nested'));
    });
    expect(writes).toHaveLength(2);
    expect(
      writes[1]
        ?.split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { msg: string }).msg),
    ).toEqual(['fill', 'counter-order sent', 'nested']);
    log.info({}, 'after');
    expect(writes).toHaveLength(3);
  });

  it('a gather that throws still hands over what was logged; a plain stream has no gatherer', () => {
    const writes: string[] = [];
    const destination = gatheringDestination({ write: (s: string) => writes.push(s) > 0 });
    const log = createLogger({ level: 'info', destination });
    expect(() =>
      destination.gather(() => {
        log.info({}, 'logged');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('"msg":"logged"');
    expect(lineGatherer(createLogger({ level: 'info', destination: capture().destination }))).toBeNull();
  });

  it('drops what it gathered once pino silenced the destination (EPIPE replaces its write)', () => {
    const writes: string[] = [];
    const destination = gatheringDestination({ write: (s: string) => writes.push(s) > 0 });
    const log = createLogger({ level: 'info', destination });
    destination.gather(() => {
      log.info({}, 'gathered');
      destination.write = () => true;
      log.info({}, 'silenced');
    });
    expect(writes).toEqual([]);
  });

  it('with a block size, holds lines until they make a block, then hands them over as one write, in order', () => {
    const writes: string[] = [];
    const destination = gatheringDestination({ write: (s: string) => writes.push(s) > 0 }, 100);
    destination.write('a'.repeat(40) + '\n');
    destination.gather(() => destination.write('b'.repeat(40) + '\n'));
    expect(writes).toEqual([]);
    destination.write('c'.repeat(40) + '\n');
    expect(writes).toEqual(['a'.repeat(40) + '\n' + 'b'.repeat(40) + '\n' + 'c'.repeat(40) + '\n']);
    destination.write('d\n');
    expect(writes).toHaveLength(1);
  });

  it('flush, flushSync and end hand over the held lines before they run, so an exit flush writes every line', () => {
    for (const name of ['flush', 'flushSync', 'end'] as const) {
      const events: string[] = [];
      const destination = gatheringDestination(
        {
          write: (s: string) => events.push(`write ${s}`) > 0,
          flush: () => void events.push('flush'),
          flushSync: () => void events.push('flushSync'),
          end: () => void events.push('end'),
        },
        1000,
      );
      const log = createLogger({ level: 'info', destination });
      log.info({}, 'held');
      expect(events).toEqual([]);
      destination[name]();
      expect(events).toHaveLength(2);
      expect(events[0]).toContain('"msg":"held"');
      expect(events[1]).toBe(name);
      destination[name]();
      expect(events.slice(2)).toEqual([name]);
    }
  });

  it('drops what it holds once pino silenced the destination (EPIPE replaces its write)', () => {
    const writes: string[] = [];
    const destination = gatheringDestination({ write: (s: string) => writes.push(s) > 0, flushSync: () => {} }, 1000);
    const log = createLogger({ level: 'info', destination });
    log.info({}, 'held');
    destination.write = () => true;
    destination.flushSync();
    expect(writes).toEqual([]);
  });

  it('the async file destination holds lines below a block, and flushSync (the exit flush) writes them to the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridbot-log-'));
    try {
      const path = join(dir, 'bot.log');
      const destination = asyncDestination(path);
      await once(destination, 'ready');
      const log = createLogger({ level: 'info', destination });
      log.info({ market: 'BTC_USDT' }, 'fill');
      log.info({ market: 'BTC_USDT' }, 'counter-order sent');
      expect(readFileSync(path, 'utf8')).toBe('');
      destination.flushSync();
      const msgs = readFileSync(path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(msgs).toEqual(['fill', 'counter-order sent']);
      destination.end();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps ordinary fields', () => {
    const { lines, destination } = capture();
    createLogger({ level: 'info', destination }).info({ market: 'ETH_USDT', price: '3200.5', key_count: 3 }, 'ok');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ market: 'ETH_USDT', price: '3200.5', key_count: 3, msg: 'ok' });
  });

  it('takes its level from the config', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'warn', destination });
    log.info('dropped');
    log.warn('kept');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['kept']);
  });

  it('covers every secret-like name with a redact path', () => {
    for (const name of ['apiKey', 'apiSecret', 'secret', 'signature', '*.apiKey', '*.*.secret', '*["X-TXC-APIKEY"]', '*.*["X-TXC-SIGNATURE"]']) {
      expect(REDACT_PATHS).toContain(name);
    }
  });
});

describe('colour', () => {
  // Issue 9: NO_COLOR respected; no colour when the output is not a terminal.
  it('colours only a terminal, and never with NO_COLOR set (https://no-color.org)', () => {
    expect(colorEnabled(1, {}, true)).toBe(true);
    expect(colorEnabled(2, { NO_COLOR: '' }, true)).toBe(true);
    expect(colorEnabled(1, { NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled(2, {}, false)).toBe(false);
  });
});
