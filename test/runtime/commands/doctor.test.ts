/**
 * `gridbot doctor` in-process against simulators the test starts (--exchange-url): each check in
 * its ok / warn / fail states, the exit code the worst check decides, and the --json shape.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WhitebitRestClient } from '../../../src/adapters/whitebit/index.js';
import { encodeClientOrderId } from '../../../src/grid/client-order-id.js';
import { D } from '../../../src/grid/index.js';
import { type Check, type DoctorDocument, MIN_NODE_VERSION, balanceCheck, clockCheck, nodeCheck, worstStatus } from '../../../src/runtime/commands/doctor.js';
import { openJournal } from '../../../src/runtime/journal/index.js';
import { DEMO_ACCOUNT, ManualClock, type Simulator, startSimulator } from '../../../src/sim/index.js';
import { SMALL_GRID, cli, configYaml, tempDir } from './support.js';

const tmp = tempDir();
const sims: Simulator[] = [];

async function sim(options: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
  const s = await startSimulator({ port: 0, seed: 5, tickMs: 0, ...options });
  sims.push(s);
  return s;
}

/** Runs doctor --json and returns the document, the exit code and the checks by name. */
async function doctor(config: string, exchangeUrl: string) {
  const r = await cli('doctor', '--config', config, '--exchange-url', exchangeUrl, '--json');
  const doc = JSON.parse(r.out) as DoctorDocument;
  const by = Object.fromEntries(doc.checks.map((c) => [c.name, c])) as Record<Check['name'], Check>;
  return { code: r.code, doc, by, err: r.err };
}

let shared: Simulator;
beforeAll(async () => {
  shared = await sim();
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  tmp.cleanup();
});

describe('gridbot doctor', () => {
  it('passes every check against a fresh simulator: one line per check, exit 0', async () => {
    const file = tmp.file('ok.yaml', configYaml(SMALL_GRID, 'journal: ok/journal.db\n'));
    const r = await cli('doctor', '--config', file, '--exchange-url', shared.restUrl);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe(`gridbot doctor: ${file} against ${shared.restUrl}`);
    expect(lines.slice(1, -1).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'ok node',
      'ok config',
      'ok journal',
      'ok clock',
      'ok keys',
      'ok grids',
      'ok balance',
      'ok orders',
      'ok timers',
    ]);
    expect(r.out).toContain(`ok    keys     the simulator's demo account (key ${DEMO_ACCOUNT.apiKey}): accepted (signed balance call)`);
    expect(r.out).toContain('ok    balance  DUSDT needs 118.5, available 100000; DBTC needs 0.002, available 10');
    expect(r.out).toContain(`ok    journal  ${join(tmp.dir, 'ok/journal.db')} does not exist yet; run creates it`);
    expect(lines.at(-1)).toBe('all checks passed');
  });

  it('--json: one document with ok, status, exchange and every check', async () => {
    const file = tmp.file('json.yaml', configYaml(SMALL_GRID));
    const { code, doc, err } = await doctor(file, shared.restUrl);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(doc).toMatchObject({ ok: true, status: 'ok', file, exchange: { kind: 'url', url: shared.restUrl } });
    expect(doc.checks.map((c) => c.name)).toEqual(['node', 'config', 'journal', 'clock', 'keys', 'grids', 'balance', 'orders', 'timers']);
    for (const c of doc.checks) expect(Object.keys(c).sort()).toEqual(['message', 'name', 'status']);
  });

  describe('clock', () => {
    it('fails against an exchange whose clock is an hour ahead (exit 2), and still signs with the measured offset', async () => {
      const far = await sim({ clock: new ManualClock(Date.now() + 3_600_000) });
      const { code, by } = await doctor(tmp.file('clock.yaml', configYaml(SMALL_GRID)), far.restUrl);
      expect(code).toBe(2);
      expect(by.clock.status).toBe('fail');
      expect(by.clock.message).toMatch(/^local clock 3(599|600)\.\d s behind .*outside the ±5 s nonce window.*timedatectl set-ntp true/);
      expect(by.keys.status).toBe('ok');
    });

    it('warns at a few seconds of skew (exit 1)', async () => {
      const near = await sim({ clock: new ManualClock(Date.now() + 3_600) });
      const { code, by } = await doctor(tmp.file('clock-warn.yaml', configYaml(SMALL_GRID)), near.restUrl);
      expect(by.clock.status).toBe('warn');
      expect(code).toBe(1);
    });

    it('grades a skew: ok under 2 s, warn within the 5 s window, fail beyond, either direction', () => {
      expect(clockCheck(1_500, 'x').status).toBe('ok');
      expect(clockCheck(-3_000, 'x')).toMatchObject({ status: 'warn', message: expect.stringContaining('3.0 s ahead of x') });
      expect(clockCheck(-6_000, 'x').status).toBe('fail');
    });
  });

  describe('journal', () => {
    it('fails while another gridbot holds the journal (exit 2), and is ok once it is released', async () => {
      const path = join(tmp.dir, 'held.journal');
      const file = tmp.file('held.yaml', configYaml(SMALL_GRID, 'journal: held.journal\n'));
      const journal = openJournal({ path });
      try {
        const { code, by } = await doctor(file, shared.restUrl);
        expect(code).toBe(2);
        expect(by.journal.status).toBe('fail');
        expect(by.journal.message).toContain(`${path} is held by a running gridbot (pid ${process.pid}`);
        expect(by.journal.message).toContain('stop it first, or use another journal file');
      } finally {
        journal.close();
      }
      const after = await doctor(file, shared.restUrl);
      expect(after.by.journal).toMatchObject({ status: 'ok' });
      // The journal's identity follows (journal-identity.test.ts): this one was never claimed by a run.
      expect(after.by.journal.message.startsWith(`${path} is writable and no bot holds it; no exchange recorded yet`)).toBe(true);
    });

    it('fails on a file that is not a journal', async () => {
      tmp.file('junk.journal', 'not sqlite at all');
      const { by } = await doctor(tmp.file('junk.yaml', configYaml(SMALL_GRID, 'journal: junk.journal\n')), shared.restUrl);
      expect(by.journal.status).toBe('fail');
      expect(by.journal.message).toContain('is not a readable gridbot journal');
    });
  });

  describe('balance', () => {
    it('fails when a budget exceeds the demo balances (exit 2)', async () => {
      // 6 DBTC per level: two sells lock 12 DBTC (the demo account has 10), two buys 711000 DUSDT (it has 100000).
      const grid = SMALL_GRID.replace('base: "0.001"', 'base: "6"').replace('quote: "1000"', 'quote: "1000000"').replace('base: "0.01"', 'base: "20"');
      const { code, by } = await doctor(tmp.file('rich.yaml', configYaml(grid)), shared.restUrl);
      expect(by.grids.status).toBe('ok');
      expect(by.balance.status).toBe('fail');
      expect(by.balance.message).toBe(
        'DUSDT needs 711000, available 100000: short by 611000; DBTC needs 12, available 10: short by 2: deposit the difference, or lower amountPerLevel / budget in markets.yaml',
      );
      expect(code).toBe(2);
    });

    it('sums what grids on one asset lock, and warns when only frozen funds would cover it', () => {
      const need = new Map([['USDT', new D('150')]]);
      expect(balanceCheck(need, { USDT: { available: '200', freeze: '0' } }).status).toBe('ok');
      expect(balanceCheck(need, { USDT: { available: '100', freeze: '60' } }).status).toBe('warn');
      expect(balanceCheck(need, { USDT: { available: '100', freeze: '0' } }).status).toBe('fail');
      expect(balanceCheck(need, {}).message).toContain('USDT needs 150, available 0: short by 150');
    });
  });

  describe('timers', () => {
    it("warns about a kill-switch timer on a grid's market that another client keeps armed (exit 1)", async () => {
      const s = await sim();
      const rest = new WhitebitRestClient({ baseUrl: s.restUrl, apiKey: DEMO_ACCOUNT.apiKey, apiSecret: DEMO_ACCOUNT.apiSecret });
      try {
        await rest.killSwitchArm({ market: 'DBTC_DUSDT', timeout: '60', types: ['spot'] });
      } finally {
        await rest.close();
      }
      const { code, by } = await doctor(tmp.file('timers.yaml', configYaml(SMALL_GRID)), s.restUrl);
      expect(by.timers.status).toBe('warn');
      expect(by.timers.message).toMatch(/a kill-switch timer is active on DBTC_DUSDT \(re-armed \d+ s ago, fires in \d+ s\): another bot on this account\?/);
      expect(code).toBe(1);
    });
  });

  describe('keys', () => {
    it('fails when the exchange refuses the key (exit 2)', async () => {
      const other = await sim({ accounts: [{ id: 'someone', apiKey: 'another-key', apiSecret: 'another-secret', balances: {} }] });
      const { code, by } = await doctor(tmp.file('keys.yaml', configYaml(SMALL_GRID)), other.restUrl);
      expect(code).toBe(2);
      expect(by.keys.status).toBe('fail');
      expect(by.keys.message).toMatch(/refused .*check the key and secret/);
      expect(by.balance.status).toBe('skip');
      expect(by.orders.status).toBe('skip');
    });
  });

  describe('orders', () => {
    let rest: WhitebitRestClient | undefined;
    afterEach(async () => {
      await rest?.close();
      rest = undefined;
    });

    it('warns when orders of this bot rest while no bot holds the journal (a crashed run), and about foreign ones (exit 1)', async () => {
      const s = await sim();
      rest = new WhitebitRestClient({ baseUrl: s.restUrl, apiKey: s.apiKey, apiSecret: s.apiSecret });
      const id = encodeClientOrderId({ botId: 't1', market: 'DBTC_DUSDT' }, { level: 0, side: 'buy', seq: 1 });
      if (!id.ok) throw new Error(id.reason);
      await rest.orderNew({ market: 'DBTC_DUSDT', side: 'buy', amount: '0.001', price: '59000', clientOrderId: id.id });
      await rest.orderNew({ market: 'DBTC_DUSDT', side: 'buy', amount: '0.001', price: '58000', clientOrderId: 'manual-1' });
      const { code, by } = await doctor(tmp.file('orders.yaml', configYaml(SMALL_GRID)), s.restUrl);
      expect(by.orders.status).toBe('warn');
      expect(by.orders.message).toContain(
        '1 order of this bot rests on DBTC_DUSDT but no bot holds the journal: a crashed run? `run` with onStart: adopt will take them over',
      );
      expect(by.orders.message).toContain('1 order not placed by this bot rests on DBTC_DUSDT: onStart: cancel-all cancels them at start');
      expect(code).toBe(1);
    });
  });

  describe('node and config', () => {
    it('fails an old Node.js and names the minimum, which is package.json engines.node', () => {
      const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
      expect(pkg.engines.node).toBe(`>=${MIN_NODE_VERSION}`);
      expect(nodeCheck('v18.19.0')).toMatchObject({ status: 'fail', message: expect.stringContaining('older than 20.18.1') });
      expect(nodeCheck('20.18.1').status).toBe('ok');
      expect(nodeCheck('22.0.0').status).toBe('ok');
      expect(nodeCheck('20.9.9').status).toBe('fail');
    });

    it('fails an invalid markets.yaml (exit 2) and skips what needs it', async () => {
      const { code, by } = await doctor(tmp.file('bad.yaml', 'exchange: sim\ngrids: nope\n'), shared.restUrl);
      expect(code).toBe(2);
      expect(by.config.status).toBe('fail');
      expect(by.config.message).toMatch(/bad\.yaml: 1 problem, first: .*bad\.yaml:2:\d+ grids/);
      for (const n of ['journal', 'clock', 'keys', 'grids', 'balance', 'orders', 'timers'] as const) expect(by[n].status).toBe('skip');
    });

    it('the worst check decides the exit code; skip counts as ok', () => {
      const c = (status: Check['status']): Check => ({ name: 'node', status, message: '' });
      expect(worstStatus([c('ok'), c('skip')])).toBe('ok');
      expect(worstStatus([c('ok'), c('warn')])).toBe('warn');
      expect(worstStatus([c('warn'), c('fail')])).toBe('fail');
    });

    it('has help with an example; refuses unknown options with exit 2', async () => {
      const help = await cli('doctor', '--help');
      expect(help.code).toBe(0);
      expect(help.out).toContain('example: gridbot doctor');
      expect((await cli('doctor', '--nope')).code).toBe(2);
      expect((await cli('doctor', '--live', '--exchange-url', shared.restUrl)).code).toBe(2);
    });
  });
});
