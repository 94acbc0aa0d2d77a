/**
 * Issue 6: `--record FILE.jsonl` then `gridbot replay FILE.jsonl`: the recording holds every event
 * with its payload, and replaying it rebuilds exactly the model the live page showed, at any position.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyActorRef } from 'xstate';
import { startInspector, startReplay } from '../../../src/runtime/inspector/inspector.js';
import { InspectorModel } from '../../../src/runtime/inspector/model.js';
import { RecordingError, readRecording } from '../../../src/runtime/inspector/recording.js';
import { observedInertMarkets } from './support.js';

let dir: string;
let actors: AnyActorRef[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gridbot-rec-'));
});
afterEach(async () => {
  for (const a of actors) a.stop();
  actors = [];
  await rm(dir, { recursive: true, force: true });
});

describe('record and replay', () => {
  it('round-trips: the replayed model equals the live one, payloads included', async () => {
    const file = join(dir, 'session.jsonl');
    const live = await startInspector({ port: null, record: file, tickMs: 60_000 });
    actors = observedInertMarkets(2, live.observe).actors;
    live.flush();
    actors[0]?.send({ type: 'feed.price', price: '101.25' });
    actors[1]?.send({ type: 'stop', reason: 'operator' });
    live.flush();
    actors[0]?.send({ type: 'connection.down' });
    await live.close();

    const records = await readRecording(file);
    expect(records[0]).toMatchObject({ k: 'hello', v: 1, machines: ['supervisor', 'connection', 'market'] });
    const stop = records.find((r) => r.k === 'event' && r.type === 'stop');
    expect(stop).toMatchObject({ id: 'market:M1_USDT', note: 'operator', ev: { type: 'stop', reason: 'operator' } });
    // Written at close: the last event after the last tick is not lost.
    expect(records.some((r) => r.k === 'event' && r.type === 'connection.down')).toBe(true);

    const replayed = new InspectorModel();
    for (const r of records) replayed.apply(r);
    expect(replayed.rows()).toEqual(live.model.rows());
    expect(replayed.detail('market:M1_USDT')).toEqual(live.model.detail('market:M1_USDT'));
    expect(replayed.row('market:M1_USDT')?.state).toBe('killed.cancelling');
  });

  it('serves a recording with a timeline that seeks and steps both ways', async () => {
    const file = join(dir, 'session.jsonl');
    const live = await startInspector({ port: null, record: file, tickMs: 60_000 });
    actors = observedInertMarkets(1, live.observe).actors;
    live.flush();
    actors[0]?.send({ type: 'stop', reason: 'first' });
    await live.close();
    const count = (await readRecording(file)).length;

    const replay = await startReplay({ file, port: 0 });
    try {
      const state = async () =>
        (await (await fetch(`${replay.url}api/state`)).json()) as { mode: string; rows: { state: string }[]; replay: { position: number; count: number } };
      const end = await state();
      expect(end.mode).toBe('replay');
      expect(end.replay).toMatchObject({ position: count, count });
      expect(end.rows[0]?.state).toBe('killed.cancelling');

      const seek = (q: string) => fetch(`${replay.url}replay/seek?${q}`, { method: 'POST' }).then((r) => r.json() as Promise<{ position: number }>);
      const back = await seek('step=prev&focus=market:M0_USDT');
      expect(back.position).toBeLessThan(count);
      expect((await state()).rows[0]?.state).toBe('init.loading');
      expect((await seek('to=0')).position).toBe(0);
      expect((await state()).rows).toEqual([]);
      const fwd = await seek('step=next');
      expect((await state()).rows[0]?.state).toBe('init.loading');
      const fwd2 = await seek('step=next');
      expect(fwd2.position).toBeGreaterThan(fwd.position);
      expect((await state()).rows[0]?.state).toBe('killed.cancelling');
      expect((await fetch(`${replay.url}replay/seek?to=x`, { method: 'POST' })).status).toBe(400);
    } finally {
      await replay.close();
    }
  });

  it('refuses a file that is not a recording, naming the line; skips a torn last line', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '{"k":"hello","v":1,"t":1,"machines":[]}\nnot json\n{"k":"actor","t":2}\n');
    await expect(readRecording(bad)).rejects.toThrow(RecordingError);
    await expect(readRecording(bad)).rejects.toThrow(/bad\.jsonl:2: not JSON/);
    const torn = join(dir, 'torn.jsonl');
    await writeFile(torn, '{"k":"hello","v":1,"t":1,"machines":[]}\n{"k":"actor","t":2,"id":"a","machine":"market","parent":null}\n{"k":"ev');
    expect(await readRecording(torn)).toHaveLength(2);
    const other = join(dir, 'other.jsonl');
    await writeFile(other, '{"k":"actor","t":2}\n');
    await expect(readRecording(other)).rejects.toThrow(/no hello line/);
    expect((await readFile(torn, 'utf8')).length).toBeGreaterThan(0);
  });
});
