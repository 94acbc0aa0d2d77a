/**
 * `gridbot status` and `gridbot doctor` show the exchange and account a journal belongs to
 * (journal/identity.ts), and say plainly when it is not the exchange markets.yaml runs on: `run`
 * would refuse that journal.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check, DoctorDocument } from '../../../src/runtime/commands/doctor.js';
import { EMBEDDED, type ExchangeIdentity, keyFingerprint, openJournal } from '../../../src/runtime/journal/index.js';
import { configuredIdentity, identityVerdict } from '../../../src/runtime/status/journal-identity.js';
import { DEMO_ACCOUNT, type Simulator, startSimulator } from '../../../src/sim/index.js';
import { SMALL_GRID, cli, configYaml, tempDir } from './support.js';

const tmp = tempDir();
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 5, tickMs: 0 });
});
afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

const LIVE: ExchangeIdentity = { exchange: 'whitebit', endpoint: 'https://whitebit.com', account: null, keyFingerprint: keyFingerprint('a-live-key') };
const EMBEDDED_DEMO: ExchangeIdentity = { exchange: 'sim', endpoint: EMBEDDED, account: DEMO_ACCOUNT.id, keyFingerprint: keyFingerprint(DEMO_ACCOUNT.apiKey) };

/** A journal at `name` claimed for `id` (null: left unclaimed), released. */
function journalFor(name: string, id: ExchangeIdentity | null): string {
  const path = join(tmp.dir, name);
  const j = openJournal({ path });
  if (id !== null) j.claimIdentity(id);
  j.close();
  return path;
}

describe('gridbot status: the journal identity', () => {
  it('says plainly that a journal of WhiteBIT is not the embedded simulator markets.yaml runs on', async () => {
    const path = journalFor('live.journal', LIVE);
    const config = tmp.file('live.yaml', configYaml(SMALL_GRID, 'journal: live.journal\n'));
    const r = await cli('status', '--config', config);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      `exchange: MISMATCH: belongs to WhiteBIT at https://whitebit.com (key fingerprint ${LIVE.keyFingerprint}), NOT the configured the embedded simulator`,
    );
    expect(r.out).toContain('run refuses this journal');
    const json = await cli('status', '--journal', path, '--config', config, '--json');
    const doc = JSON.parse(json.out) as { identity: ExchangeIdentity; identityVerdict: { kind: string } };
    expect(doc.identity).toEqual(LIVE);
    expect(doc.identityVerdict.kind).toBe('mismatch');
  });

  it('shows the embedded simulator journal as matching markets.yaml, and the bare identity with --journal alone', async () => {
    const path = journalFor('sim.journal', EMBEDDED_DEMO);
    const config = tmp.file('sim.yaml', configYaml(SMALL_GRID, 'journal: sim.journal\n'));
    const r = await cli('status', '--config', config);
    expect(r.out).toContain(
      `exchange: belongs to the embedded simulator (account demo, key fingerprint ${EMBEDDED_DEMO.keyFingerprint}): the configured exchange and key`,
    );
    const bare = await cli('status', '--journal', path);
    expect(bare.out).toContain(`exchange: the embedded simulator (account demo, key fingerprint ${EMBEDDED_DEMO.keyFingerprint}) (pass --config`);
    const none = await cli('status', '--journal', journalFor('none.journal', null));
    expect(none.out).toContain('exchange: none recorded yet');
  });
});

describe('gridbot doctor: the journal identity', () => {
  /** Runs doctor --json against the test's simulator and returns the journal check and the exit code. */
  async function journalCheckOf(config: string): Promise<{ code: number; journal: Check }> {
    const r = await cli('doctor', '--config', config, '--exchange-url', sim.restUrl, '--json');
    const doc = JSON.parse(r.out) as DoctorDocument;
    const journal = doc.checks.find((c) => c.name === 'journal');
    if (journal === undefined) throw new Error('no journal check');
    return { code: r.code, journal };
  }

  it('fails (exit 2) on a journal of another exchange, naming both', async () => {
    journalFor('doc-live.journal', LIVE);
    const { code, journal } = await journalCheckOf(tmp.file('doc-live.yaml', configYaml(SMALL_GRID, 'journal: doc-live.journal\n')));
    expect(code).toBe(2);
    expect(journal.status).toBe('fail');
    expect(journal.message).toContain(
      `belongs to WhiteBIT at https://whitebit.com (key fingerprint ${LIVE.keyFingerprint}), NOT the configured the simulator at ${sim.restUrl}`,
    );
  });

  it('is ok on a journal of this simulator and key, and says so', async () => {
    const here: ExchangeIdentity = { exchange: 'sim', endpoint: sim.restUrl, account: null, keyFingerprint: keyFingerprint(DEMO_ACCOUNT.apiKey) };
    journalFor('doc-sim.journal', here);
    const { journal } = await journalCheckOf(tmp.file('doc-sim.yaml', configYaml(SMALL_GRID, 'journal: doc-sim.journal\n')));
    expect(journal.status).toBe('ok');
    expect(journal.message).toContain(`belongs to the simulator at ${sim.restUrl} (key fingerprint ${here.keyFingerprint}): the configured exchange and key`);
  });
});

describe('identityVerdict', () => {
  it('compares no key it does not know (WhiteBIT without keys in the environment), and tells another key apart', () => {
    const noKeys = configuredIdentity({ exchange: 'whitebit' }, { env: {} });
    expect(identityVerdict(LIVE, noKeys).kind).toBe('keyUnknown');
    const otherKey = configuredIdentity({ exchange: 'whitebit' }, { env: { WHITEBIT_API_KEY: 'another-key', WHITEBIT_API_SECRET: 's' } });
    expect(identityVerdict(LIVE, otherKey)).toMatchObject({ kind: 'mismatch' });
    expect(identityVerdict(LIVE, otherKey).text).toContain('(another API key)');
  });

  it('tells a paper journal from the embedded simulator, and says PAPER', () => {
    const paper = configuredIdentity({
      exchange: 'paper',
      paper: { upstream: { rest: 'https://whitebit.com', ws: 'wss://api.whitebit.com/ws' }, balances: null },
    });
    expect(paper).toEqual({
      exchange: 'paper',
      endpoint: 'https://whitebit.com',
      account: DEMO_ACCOUNT.id,
      keyFingerprint: keyFingerprint(DEMO_ACCOUNT.apiKey),
    });
    expect(identityVerdict(EMBEDDED_DEMO, paper).text).toMatch(
      /^belongs to the embedded simulator .*, NOT the configured the PAPER exchange on live prices from https:\/\/whitebit.com/,
    );
    expect(identityVerdict({ ...paper, keyFingerprint: keyFingerprint(DEMO_ACCOUNT.apiKey) }, paper).kind).toBe('match');
  });
});
