import { describe, expect, it } from 'vitest';
import { LINES_CAP, LINE_YIELD, deferredSink } from '../../src/runtime/deferred-log.js';

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    sink: {
      info: (o: object, m: string) => lines.push(`info ${m} ${JSON.stringify(o)}`),
      warn: (o: object, m: string) => lines.push(`warn ${m} ${JSON.stringify(o)}`),
    },
  };
}

/** A gatherer that counts the lines each gather wrote. */
function counting(lines: readonly string[]) {
  const gathers: number[] = [];
  const gather = {
    gather: (work: () => void) => {
      const before = lines.length;
      work();
      gathers.push(lines.length - before);
    },
  };
  return { gathers, gather };
}

describe('deferred log sink', () => {
  it('writes nothing in the calling turn, then every line in order on one scheduled flush', () => {
    const r = recorder();
    const scheduled: (() => void)[] = [];
    const log = deferredSink(r.sink, (f) => scheduled.push(f));
    log.info({ a: 1 }, 'fill');
    log.warn({ b: 2 }, 'refused');
    log.info({ c: 3 }, 'counter-order sent');
    expect(r.lines).toEqual([]);
    expect(scheduled).toHaveLength(1);
    scheduled[0]?.();
    expect(r.lines).toEqual(['info fill {"a":1}', 'warn refused {"b":2}', 'info counter-order sent {"c":3}']);
    log.info({}, 'next');
    expect(scheduled).toHaveLength(2);
  });

  it('flush() writes what is buffered at once, and the scheduled flush then writes nothing twice', () => {
    const r = recorder();
    const scheduled: (() => void)[] = [];
    const log = deferredSink(r.sink, (f) => scheduled.push(f));
    log.info({}, 'one');
    log.flush();
    scheduled[0]?.();
    expect(r.lines).toEqual(['info one {}']);
  });

  // Issue 13: one flush is one gather (the destination gets the turn's lines as one write).
  it('with a gatherer, writes each flush inside one gather and skips it when nothing is buffered', () => {
    const r = recorder();
    const scheduled: (() => void)[] = [];
    const { gathers, gather } = counting(r.lines);
    const log = deferredSink(r.sink, (f) => scheduled.push(f), gather);
    log.info({}, 'fill');
    log.info({}, 'counter-order sent');
    scheduled[0]?.();
    log.flush();
    expect(gathers).toEqual([2]);
    expect(r.lines).toEqual(['info fill {}', 'info counter-order sent {}']);
  });

  it('by default writes after a setImmediate queued later in the same turn (the fill is logged before its order exists)', async () => {
    const order: string[] = [];
    const log = deferredSink({ info: (_o, m) => order.push(m), warn: (_o, m) => order.push(m) });
    log.info({}, 'fill');
    setImmediate(() => order.push('request written'));
    log.info({}, 'counter-order sent');
    await new Promise((resolve) => setImmediate(() => setImmediate(() => setImmediate(resolve))));
    expect(order).toEqual(['request written', 'fill', 'counter-order sent']);
  });

  it('writes a backlog at most linesPerFlush lines per flush, in order, each flush one gather, later lines after it', () => {
    const r = recorder();
    const scheduled: (() => void)[] = [];
    const { gathers, gather } = counting(r.lines);
    const log = deferredSink(r.sink, (f) => scheduled.push(f), gather, 4);
    for (let i = 0; i < 10; i += 1) log.info({ i }, 'fill');
    expect(scheduled).toHaveLength(1);
    scheduled.shift()?.();
    log.warn({ i: 10 }, 'late'); // arrives while the backlog is written
    for (let f = scheduled.shift(); f !== undefined; f = scheduled.shift()) f();
    expect(gathers).toEqual([4, 4, 3]);
    expect(r.lines).toEqual([...Array.from({ length: 10 }, (_, i) => `info fill {"i":${i}}`), 'warn late {"i":10}']);
  });

  it('flush() writes the whole backlog at once, whatever is left of a flush in slices', () => {
    const r = recorder();
    const scheduled: (() => void)[] = [];
    const log = deferredSink(r.sink, (f) => scheduled.push(f), null, 4);
    for (let i = 0; i < 10; i += 1) log.info({ i }, 'fill');
    scheduled.shift()?.();
    expect(r.lines).toHaveLength(4);
    log.flush();
    expect(r.lines).toHaveLength(10);
    for (let f = scheduled.shift(); f !== undefined; f = scheduled.shift()) f();
    expect(r.lines).toEqual(Array.from({ length: 10 }, (_, i) => `info fill {"i":${i}}`));
  });

  // Issue 13: in a burst the backlog lasts hundreds of ms, and a block of lines ran between every two of its batches.
  it('puts a flush off while frames wait, until the lines have waited maxMs or pile up to maxLines, losing none', () => {
    const r = recorder();
    const scheduled: (() => void)[] = [];
    const clock = { ms: 0 };
    let waiting = true;
    const give = { framesWaiting: () => waiting, now: () => clock.ms, maxMs: 100, maxLines: 6 };
    const log = deferredSink(r.sink, (f) => scheduled.push(f), null, 2, give);
    log.info({ i: 0 }, 'fill');
    scheduled.shift()?.(); // frames wait: put off to the next callback
    expect(r.lines).toEqual([]);
    expect(scheduled).toHaveLength(1);
    waiting = false;
    scheduled.shift()?.(); // the backlog is routed: the line is written
    expect(r.lines).toHaveLength(1);
    waiting = true;
    for (let i = 1; i <= 5; i += 1) log.info({ i }, 'fill');
    expect(scheduled).toHaveLength(1); // one flush scheduled, however many lines
    clock.ms = 50;
    scheduled.shift()?.(); // five waiting: put off (the clock starts at this first put-off)
    log.info({ i: 6 }, 'fill'); // six waiting: as many as maxLines
    scheduled.shift()?.(); // a block is written though frames wait
    expect(r.lines).toHaveLength(3);
    scheduled.shift()?.(); // four waiting again: put off
    expect(r.lines).toHaveLength(3);
    clock.ms = 150; // 100 ms since the first put-off: flushes run though frames wait, until the buffer is empty
    for (let f = scheduled.shift(); f !== undefined; f = scheduled.shift()) f();
    expect(r.lines).toEqual(Array.from({ length: 7 }, (_, i) => `info fill {"i":${i}}`));
    log.info({ i: 7 }, 'fill'); // the buffer was emptied: the next line gives way from its own start
    scheduled.shift()?.();
    expect(r.lines).toHaveLength(7);
    log.flush(); // exit: everything at once, frames or not
    expect(r.lines).toHaveLength(8);
  });

  it('keeps every line in order when a long backlog is written from a buffer that never empties (the front is dropped as it goes)', () => {
    const r = recorder();
    const scheduled: (() => void)[] = [];
    const log = deferredSink(r.sink, (f) => scheduled.push(f), null, 48);
    let n = 0;
    for (; n < 2000; n += 1) log.info({ i: n }, 'fill');
    for (let k = 0; k < 30; k += 1) {
      scheduled.shift()?.();
      for (let j = 0; j < 10; j += 1) log.info({ i: n++ }, 'fill'); // lines keep coming: the buffer is never empty
    }
    for (let f = scheduled.shift(); f !== undefined; f = scheduled.shift()) f();
    expect(r.lines).toEqual(Array.from({ length: n }, (_, i) => `info fill {"i":${i}}`));
  });

  // Issue 13: past maxLines a flush writes one block per phase; a producer faster than that grew the buffer for good.
  it('writes every waiting line at once, in order, when LINES_CAP lines wait, though no flush ever runs', () => {
    expect(LINES_CAP).toBeGreaterThan(LINE_YIELD.maxLines);
    const r = recorder();
    const scheduled: (() => void)[] = [];
    const { gathers, gather } = counting(r.lines);
    const log = deferredSink(r.sink, (f) => scheduled.push(f), gather);
    const total = 2 * LINES_CAP + 100;
    let mostWaiting = 0;
    for (let i = 0; i < total; i += 1) {
      log.info({ i }, 'fill');
      mostWaiting = Math.max(mostWaiting, i + 1 - r.lines.length);
      if (i + 1 === LINES_CAP) expect(r.lines).toHaveLength(LINES_CAP); // written before the call returned
    }
    expect(mostWaiting).toBe(LINES_CAP - 1);
    expect(gathers).toEqual([LINES_CAP, LINES_CAP]); // each a single write to the destination
    expect(r.lines).toHaveLength(2 * LINES_CAP);
    // The flush scheduled with the first line finds the rest; nothing is written twice.
    expect(scheduled).toHaveLength(1);
    for (let f = scheduled.shift(); f !== undefined; f = scheduled.shift()) f();
    expect(r.lines).toEqual(Array.from({ length: total }, (_, i) => `info fill {"i":${i}}`));
  });
});
