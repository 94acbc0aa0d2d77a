/**
 * Issue 17: in a replay, the connection's state and the markets' reaction to it agree at every
 * position the timeline can show. A recording of a run on the simulator whose sockets are dropped:
 * the connection goes down (backoff) and up again; the markets go reconnecting → reconciling →
 * running. XState reports the connection's new snapshot after the markets reacted to what it
 * emitted, so without cascades a step showed markets `reconnecting` under an `open` connection.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../../src/runtime/config/index.js';
import { type Replay, startInspector, startReplay } from '../../../src/runtime/inspector/inspector.js';
import type { InspectorModel } from '../../../src/runtime/inspector/model.js';
import { readRecording } from '../../../src/runtime/inspector/recording.js';
import { startRuntime } from '../../../src/runtime/runtime.js';
import { disagreement } from './agreement.js';
import { simFleetYaml } from './sim-fleet.js';

const YAML = simFleetYaml('replay', [
  ['DBTC_DUSDT', '150'],
  ['BTC_USDT', '160'],
]);
const MARKETS = ['market:DBTC_DUSDT', 'market:BTC_USDT'];

/** What disagrees in the model now. */
function disagreementIn(model: InspectorModel): string | null {
  const conn = model.row('connection');
  if (!conn || conn.status !== 'active') return null;
  return disagreement(
    conn.state,
    MARKETS.flatMap((id) => {
      const row = model.row(id);
      return row ? [[id, row.state] as const] : [];
    }),
  );
}

let dir: string;
let file: string;
let replay: Replay | undefined;

describe('replay of a disconnect', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gridbot-replay-'));
    file = join(dir, 'session.jsonl');
    const parsed = parseConfig(YAML, 'replay-test.yaml');
    if (!parsed.ok) throw new Error(parsed.error.message);
    const inspector = await startInspector({ port: null, record: file, tickMs: 100 });
    const runtime = await startRuntime({ config: parsed.config, env: {}, observers: [inspector.observe], shutdownTimeoutMs: 5_000 });
    try {
      const rows = () => inspector.model.rows().filter((r) => r.machine === 'market');
      const wait = { timeout: 15_000, interval: 20 };
      await vi.waitFor(() => expect(rows().filter((r) => r.state.startsWith('running'))).toHaveLength(2), wait);
      expect(runtime.sim?.faults.closeSockets('all')).toBe(1);
      await vi.waitFor(() => expect(rows().some((r) => r.state === 'reconnecting')).toBe(true), wait);
      await vi.waitFor(() => expect(rows().filter((r) => r.state.startsWith('running'))).toHaveLength(2), wait);
    } finally {
      await runtime.stop('test over');
      await inspector.close();
    }
    replay = await startReplay({ file, port: 0 });
  }, 60_000);

  afterAll(async () => {
    await replay?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('never shows a position where they disagree (every position the slider can reach)', async () => {
    const r = replay!;
    const count = (await readRecording(file)).length;
    let sawDown = false;
    const bad: string[] = [];
    for (let p = 0; p <= count; p++) {
      r.seek(p);
      const d = disagreementIn(r.model());
      if (d) bad.push(`record ${p}: ${d}`);
      const conn = r.model().row('connection');
      if (conn?.state === 'backoff' && MARKETS.every((id) => r.model().row(id)?.state === 'reconnecting')) sawDown = true;
    }
    expect(bad).toEqual([]);
    // The recording does hold the disconnect, seen with the markets' reaction.
    expect(sawDown).toBe(true);
  });

  it('steps (prev/next, for a market and for everyone) through agreeing states only', async () => {
    const r = replay!;
    const seek = async (q: string) => (await (await fetch(`${r.url}replay/seek?${q}`, { method: 'POST' })).json()) as { position: number; count: number };
    for (const focus of ['', '&focus=market:BTC_USDT', '&focus=connection']) {
      const seen: string[] = [];
      let at = await seek('to=0');
      for (let i = 0; i < 200 && at.position < at.count; i++) {
        at = await seek(`step=next${focus}`);
        const d = disagreementIn(r.model());
        expect(d, `next${focus} at ${at.position}`).toBeNull();
        seen.push(r.model().row('market:BTC_USDT')?.state ?? '');
      }
      if (focus !== '&focus=connection') expect(seen).toContain('reconnecting');
      for (let i = 0; i < 200 && at.position > 0; i++) {
        at = await seek(`step=prev${focus}`);
        expect(disagreementIn(r.model()), `prev${focus} at ${at.position}`).toBeNull();
      }
    }
  });
});
