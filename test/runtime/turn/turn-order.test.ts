/**
 * The rules of a turn (src/runtime/turn/turn-order.ts), with the phases driven by hand: the end of
 * the read and each check phase run when the test says so.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type BatchJournal,
  TurnFailedError,
  TurnOrder,
  afterTurn,
  framesWaiting,
  heldRequests,
  setAfterTurnSchedule,
} from '../../../src/runtime/turn/index.js';

/** Phases queued by the turn order, run by the test. */
function manualPhases() {
  const endOfRead: (() => void)[] = [];
  const nextCheck: (() => void)[] = [];
  const run = (q: (() => void)[]) => () => {
    const now = q.splice(0, q.length);
    for (const f of now) f();
  };
  return {
    phases: { endOfRead: (f: () => void) => endOfRead.push(f), nextCheck: (f: () => void) => nextCheck.push(f) },
    endRead: run(endOfRead),
    check: run(nextCheck),
    pending: () => endOfRead.length + nextCheck.length,
  };
}

/** A journal that logs its calls; with `failOnCommit` n, the n-th commit (1-based) throws. */
function journalLog(log: string[], failOnCommit = 0): BatchJournal & { failed: boolean } {
  let commits = 0;
  const j = {
    failed: false,
    openBatch: () => log.push('open'),
    closeBatch: () => log.push('close'),
    commit: () => {
      log.push('commit');
      if (++commits === failOnCommit) {
        j.failed = true;
        throw new Error('disk full');
      }
    },
  };
  return j;
}

// Readers stop after each test: frames left in a backlog would hold every later after-turn phase (rule 5).
const readers: { dispose(): void }[] = [];
afterEach(() => {
  for (const r of readers.splice(0)) r.dispose();
});

/**
 * A turn order whose frames "send" when their text starts with `send`; a frame whose text starts
 * with `slow` moves the turn order's clock on by 1 ms while it is routed.
 */
function setup(options: { failOnCommit?: number; maxHeld?: number; deep?: number } = {}) {
  const log: string[] = [];
  const p = manualPhases();
  const journal = journalLog(log, options.failOnCommit);
  let clock = 0;
  const turn = new TurnOrder({
    journal,
    phases: p.phases,
    now: () => clock,
    group: { budgetMs: 1, deep: options.deep ?? Infinity, ...(options.maxHeld === undefined ? {} : { maxHeld: options.maxHeld }) },
  });
  const started: string[] = [];
  /** How many requests had started when each frame was routed. */
  const startedAtRoute: number[] = [];
  const reader = turn.reader((text) => {
    log.push(`route ${text}`);
    startedAtRoute.push(started.length);
    if (text.startsWith('slow')) clock += 1;
    if (text.startsWith('send')) {
      void turn
        .hold(() => {
          log.push(`start ${text}`);
          started.push(text);
          return Promise.resolve(text);
        })
        .catch(() => log.push(`refused ${text}`));
    }
  });
  readers.push(reader);
  return { log, turn, reader, started, startedAtRoute, ...p };
}

describe('turn order', () => {
  it('routes a read in one batch and leaves the commit to the journal when nothing was held', () => {
    const t = setup();
    t.reader.push('a');
    t.reader.push('b');
    expect(t.turn.inBatch).toBe(true);
    t.endRead();
    expect(t.log).toEqual(['open', 'route a', 'route b', 'close']);
    expect(t.turn.inBatch).toBe(false);
  });

  it('commits before a held request starts, and routes the rest of the read in the next check phase', () => {
    const t = setup();
    t.reader.push('a');
    t.reader.push('send 1');
    t.reader.push('b');
    t.reader.push('send 2');
    t.reader.push('c');
    // The live read: the first request leaves before the rest of the read is routed.
    expect(t.log).toEqual(['open', 'route a', 'route send 1', 'close', 'commit', 'start send 1']);
    t.endRead(); // the read's own end: nothing open any more
    expect(t.log).toHaveLength(6);
    t.check();
    // The backlog is one group: routed to its end, then one commit releases what it held.
    expect(t.log.slice(6)).toEqual(['open', 'route b', 'route send 2', 'route c', 'close', 'commit', 'start send 2']);
    t.check(); // nothing left: the drain stopped
    expect(t.log).toHaveLength(13);
    expect(t.pending()).toBe(0);
    // The backlog is empty again: the next read opens its own batch at once.
    t.reader.push('d');
    expect(t.log.at(-1)).toBe('route d');
  });

  it('an event outside a frame batch (a REST answer) opens one that ends with the callback; its requests wait for the commit', () => {
    const t = setup();
    t.turn.enter(); // the journal hook, before appending the answer
    t.turn.enter(); // a second answer settling in the same callback shares the batch
    void t.turn.hold(() => {
      t.log.push('start counter-order');
      return Promise.resolve();
    });
    expect(t.log).toEqual(['open']);
    t.endRead();
    expect(t.log).toEqual(['open', 'close', 'commit', 'start counter-order']);
    expect(t.turn.inBatch).toBe(false);
  });

  it('starts a request made outside a batch at once', async () => {
    const t = setup();
    await expect(t.turn.hold(() => Promise.resolve('now'))).resolves.toBe('now');
    expect(t.log).toEqual([]);
  });

  it('on a close, routes the backlog at once, in batches', () => {
    const t = setup({ maxHeld: 2 });
    t.reader.push('send 1');
    t.reader.push('send 2');
    t.reader.push('send 3');
    t.reader.push('send 4');
    t.reader.push('b');
    t.reader.flush();
    expect(t.log).toEqual([
      'open',
      'route send 1',
      'close',
      'commit',
      'start send 1',
      'open',
      'route send 2',
      'route send 3',
      'close',
      'commit',
      'start send 2',
      'start send 3',
      'open',
      'route send 4',
      'route b',
      'close',
      'commit',
      'start send 4',
    ]);
    t.check(); // the scheduled drain finds nothing left
    expect(t.log).toHaveLength(18);
  });

  // Issue 13: while behind, the frames already waiting share one commit (and one socket write).
  describe('group commit of the backlog', () => {
    /** The live frame `send 0` leaves at once; `backlog` waits for the next check phase. */
    function behind(t: ReturnType<typeof setup>, backlog: readonly string[]): void {
      t.reader.push('send 0');
      for (const text of backlog) t.reader.push(text);
      t.endRead();
      t.log.length = 0;
      t.started.length = 0;
      t.startedAtRoute.length = 0;
    }

    it('routes waiting frames that each start a request in one transaction, then releases them together, in order', () => {
      const t = setup();
      behind(t, ['send 1', 'a', 'send 2', 'send 3']);
      t.check();
      expect(t.log).toEqual([
        'open',
        'route send 1',
        'route a',
        'route send 2',
        'route send 3',
        'close',
        'commit',
        'start send 1',
        'start send 2',
        'start send 3',
      ]);
      expect(t.started).toEqual(['send 1', 'send 2', 'send 3']);
      expect(t.pending()).toBe(0);
    });

    it('releases nothing of a group before its commit', () => {
      const t = setup();
      behind(t, ['send 1', 'send 2', 'send 3']);
      t.check();
      expect(t.startedAtRoute).toEqual([0, 0, 0]);
      expect(t.log.indexOf('commit')).toBeLessThan(t.log.indexOf('start send 1'));
      expect(t.started).toEqual(['send 1', 'send 2', 'send 3']);
    });

    it('stops at the bound on held requests: the frame after it goes to the next batch', () => {
      const t = setup({ maxHeld: 2 });
      behind(t, ['send 1', 'send 2', 'b', 'send 3']);
      t.check();
      expect(t.log).toEqual(['open', 'route send 1', 'route send 2', 'close', 'commit', 'start send 1', 'start send 2']);
      t.check();
      expect(t.log.slice(7)).toEqual(['open', 'route b', 'route send 3', 'close', 'commit', 'start send 3']);
      expect(t.pending()).toBe(0);
    });

    it('stops once a batch that holds a request has been open for the time budget', () => {
      const t = setup();
      // `slow` moves the clock by the whole budget (1 ms): before anything is held it does not end the batch.
      behind(t, ['slow a', 'send 1', 'send 2', 'slow b', 'send 3']);
      t.check();
      expect(t.log).toEqual(['open', 'route slow a', 'route send 1', 'close', 'commit', 'start send 1']);
      t.check();
      expect(t.log.slice(6)).toEqual(['open', 'route send 2', 'route slow b', 'close', 'commit', 'start send 2']);
      t.check();
      expect(t.log.slice(12)).toEqual(['open', 'route send 3', 'close', 'commit', 'start send 3']);
      expect(t.pending()).toBe(0);
    });

    // Issue 13: in a burst the bounds cut a backlog of hundreds of frames into a commit, a write and a turn every few fills.
    it('routes a backlog of `deep` frames or more whole, as one group, bounds aside; a shallower one keeps them', () => {
      const t = setup({ maxHeld: 1, deep: 4 });
      behind(t, ['send 1', 'slow a', 'send 2', 'send 3']);
      t.check();
      expect(t.log).toEqual([
        'open',
        'route send 1',
        'route slow a',
        'route send 2',
        'route send 3',
        'close',
        'commit',
        'start send 1',
        'start send 2',
        'start send 3',
      ]);
      expect(t.startedAtRoute).toEqual([0, 0, 0, 0]);
      expect(t.pending()).toBe(0);
      const u = setup({ maxHeld: 1, deep: 4 });
      behind(u, ['send 1', 'send 2', 'send 3']);
      u.check();
      expect(u.log).toEqual(['open', 'route send 1', 'close', 'commit', 'start send 1']);
    });

    it('starts the requests of a group inside the release brackets, a lone request bare', () => {
      const t = setup();
      const remove = t.turn.aroundRelease({ begin: () => t.log.push('cork'), end: () => t.log.push('uncork') });
      t.reader.push('send 0'); // the live frame: alone, no bracket
      t.reader.push('send 1');
      t.reader.push('send 2');
      expect(t.log).toEqual(['open', 'route send 0', 'close', 'commit', 'start send 0']);
      t.check();
      expect(t.log.slice(5)).toEqual(['open', 'route send 1', 'route send 2', 'close', 'commit', 'cork', 'start send 1', 'start send 2', 'uncork']);
      remove();
      remove(); // idempotent
      t.reader.push('send 3');
      t.reader.push('send 4');
      t.reader.push('send 5');
      t.check();
      expect(t.log.filter((l) => l === 'cork')).toHaveLength(1);
      expect(t.started).toEqual(['send 0', 'send 1', 'send 2', 'send 3', 'send 4', 'send 5']);
    });

    it('fail-stop: a group whose commit throws releases none of its requests, now or later', async () => {
      const t = setup({ failOnCommit: 2 }); // the live frame's commit works; the group's fails
      behind(t, ['send 1', 'send 2', 'send 3']);
      expect(() => t.check()).toThrow('disk full');
      expect(t.log).toEqual(['open', 'route send 1', 'route send 2', 'route send 3', 'close', 'commit']);
      expect(t.turn.failed).toBe(true);
      t.reader.push('send 4'); // ignored
      t.check();
      t.endRead();
      await Promise.resolve();
      expect(t.started).toEqual([]);
      expect(t.log).not.toContain('route send 4');
    });
  });

  it('fail-stop: a commit that throws releases nothing, now or later', async () => {
    const t = setup({ failOnCommit: 1 });
    t.reader.push('a');
    expect(() => t.reader.push('send 1')).toThrow('disk full');
    expect(t.started).toEqual([]);
    expect(t.turn.failed).toBe(true);
    await expect(t.turn.hold(() => Promise.resolve('later'))).rejects.toBeInstanceOf(TurnFailedError);
    t.reader.push('send 2'); // ignored
    t.check();
    t.endRead();
    await Promise.resolve();
    expect(t.started).toEqual([]);
    expect(t.log).not.toContain('route send 2');
  });

  it('refuses a request once the journal failed outside a batch (its lag commit)', async () => {
    const t = setup();
    (t.turn as unknown as { journal: { failed: boolean } }).journal.failed = true;
    await expect(t.turn.hold(() => Promise.resolve(1))).rejects.toBeInstanceOf(TurnFailedError);
  });

  // Issue 13: after-turn work that can wait (reporting slices) gives way to frames read already (rule 5).
  it('says frames wait while a backlog holds some, and not once they are routed', () => {
    const t = setup();
    t.reader.push('send 1'); // a request: the rest of the read waits for the next check phase
    expect(framesWaiting()).toBe(false);
    t.reader.push('b');
    expect(framesWaiting()).toBe(true);
    t.endRead();
    expect(framesWaiting()).toBe(true);
    t.check();
    expect(t.log.slice(-3)).toEqual(['open', 'route b', 'close']);
    expect(framesWaiting()).toBe(false);
  });

  it('does not count frames that will never be routed: a stopped reader, a failed turn order', () => {
    const stopped = setup();
    stopped.reader.push('send 1');
    stopped.reader.push('b');
    stopped.reader.dispose();
    expect(framesWaiting()).toBe(false);
    const failed = setup({ failOnCommit: 2, maxHeld: 1 });
    failed.reader.push('send 1');
    failed.reader.push('send 2'); // waits; its batch (this frame alone: maxHeld) fails to commit
    failed.reader.push('c');
    failed.endRead();
    expect(framesWaiting()).toBe(true);
    expect(() => failed.check()).toThrow('disk full');
    expect(failed.log.filter((l) => l === 'route c')).toEqual([]); // c waits for ever
    expect(framesWaiting()).toBe(false);
  });

  it('ends a batch still open when the socket actor stops mid-read, releasing what it held', () => {
    const t = setup();
    t.reader.push('a');
    t.reader.dispose();
    expect(t.log).toEqual(['open', 'route a', 'close']);
    t.reader.push('b');
    t.endRead();
    expect(t.log).toHaveLength(3);
  });
});

describe('heldRequests', () => {
  it('holds the listed methods during a batch and leaves the others alone', () => {
    const t = setup();
    const calls: string[] = [];
    const rest = {
      base: 'x',
      orderNew(this: { base: string }, n: number) {
        calls.push(`orderNew ${n} ${this.base}`);
        return Promise.resolve(n);
      },
      syncTime() {
        calls.push('syncTime');
        return Promise.resolve(0);
      },
    };
    const held = heldRequests(rest, t.turn, ['orderNew']);
    const reader = t.turn.reader(() => {
      void held.orderNew(1);
      void held.syncTime();
    });
    reader.push('frame');
    expect(calls).toEqual(['syncTime', 'orderNew 1 x']); // orderNew after the batch's commit
    expect(t.log).toEqual(['open', 'close', 'commit']);
  });
});

describe('afterTurn', () => {
  let restore: ((f: () => void) => void) | null = null;
  afterEach(() => {
    if (restore) setAfterTurnSchedule(restore);
    restore = null;
    vi.useRealTimers();
  });

  it('runs two check phases later: after an Immediate queued later in the same turn (the order write)', () => {
    vi.useFakeTimers({ toFake: ['setImmediate'] });
    const order: string[] = [];
    afterTurn(() => order.push('deferred work'));
    setImmediate(() => order.push('request written'));
    vi.advanceTimersToNextTimer();
    expect(order).toEqual(['request written']);
    vi.runAllTimers();
    expect(order).toEqual(['request written', 'deferred work']);
  });

  it("runs all of one turn's work in one callback, in order, and hands each throw to its onError", () => {
    const scheduled: (() => void)[] = [];
    restore = setAfterTurnSchedule((f) => scheduled.push(f));
    const order: string[] = [];
    const errors: unknown[] = [];
    afterTurn(() => order.push('journal rows'));
    afterTurn(
      () => {
        throw new Error('journal closed');
      },
      (e) => errors.push(e),
    );
    afterTurn(() => order.push('log lines'));
    expect(scheduled).toHaveLength(1);
    scheduled[0]?.();
    expect(order).toEqual(['journal rows', 'log lines']);
    expect(String(errors[0])).toContain('journal closed');
    afterTurn(() => order.push('next turn'));
    expect(scheduled).toHaveLength(2);
  });
});
