/**
 * The order of a turn: what runs in the event-loop turn that read a frame, and what after it. Every
 * tick-ordering rule of the runtime lives here; the socket, the desk, the journal hook and the
 * deferred log only ask this module.
 *
 * The rulebook:
 *
 * 1. **Frames are routed in batches.** The first frame of a socket read opens a batch; every frame
 *    `ws` hands over in the same read is routed in it, synchronously (frame → router → feed →
 *    market actor). The batch ends at the end of the read (`process.nextTick`: before any promise
 *    continuation of the turn), or right after a frame whose routing started an exchange request.
 *    Frames read after that one wait in a backlog and are routed as the next batch in the next check
 *    phase (`setImmediate`), after undici's deferred write of the request (undici writes on an idle
 *    keep-alive socket one `setImmediate` later): a counter-order does not wait for the market to
 *    digest the order updates that shared its fill's read. A backlog batch is a group commit: frames
 *    that were already waiting are routed on after one started a request, until the batch holds
 *    {@link GROUP_MAX_HELD} requests, or has been open {@link GROUP_BUDGET_MS}, or the backlog is
 *    empty; then one commit releases all it held, in order. A batch that starts with
 *    {@link GROUP_DEEP} frames or more waiting (a burst: the bot is far behind) routes them all
 *    in one group, bounds aside. When the bot keeps up the backlog is
 *    empty and nothing waits; when it falls behind, a fill's share of the commit (and of the socket
 *    write, ws-transport.ts) shrinks instead of staying as costly as the fills queue up. On a close,
 *    the backlog is routed at once, in such batches, before the close is told.
 * 2. **One transaction per batch.** While a batch is open, every market event the journal appends
 *    (XState's inspection events, at relay time, so in the actor's processing order) waits
 *    uncommitted, and the batch's commit writes them all in one transaction, or with the journal's tail in one write to its tail file (journal.ts). A market event that arrives outside a frame batch (a REST answer, a
 *    promise actor's result, a timer) opens a batch first (`enter`), which ends at the end of the
 *    current callback (`process.nextTick`: after the microtasks already queued, so the answers that
 *    settle together share it). Without a turn order (tools, tests) the journal commits such an
 *    append before it returns.
 * 3. **Nothing leaves before its cause is committed.** An exchange request started during a batch
 *    (the desk's counter-orders, and every REST call of the market's promise actors: placements,
 *    cancels, kill-switch calls, reconcile reads) is held, not started. At the end of the batch, if
 *    anything was held, the transaction is committed, then the held requests start, in the order
 *    they were made, inside the {@link ReleaseBracket}s registered when there are several (the order
 *    socket's cork: their frames reach the kernel in one write). A batch that held nothing leaves
 *    its transaction open: it is committed by the next commit that something needs, or by the
 *    journal's lag timer (its events caused nothing outside the process, so a crash before that
 *    commit loses nothing a restart's reconcile does not recover). Not held, because they change
 *    nothing on the account: the socket's own requests (subscribe, ping, authorize) and the market's
 *    feed subscriptions; log lines and reporting rows wait for rule 5 anyway.
 * 4. **Fail-stop.** If the commit throws, nothing held is released, ever: the turn order is failed
 *    for good, later holds are refused (their promise rejects) and the error is thrown out of the
 *    batch's end, or out of the journal's lag timer (an uncaught exception: the process dies and a
 *    restart restores from what is committed). A bot must not act on what it could not journal.
 * 5. **After the turn.** Work that must not delay a counter-order (deferred log lines; the
 *    journal's reporting rows, which also wait up to 250 ms to be written with the rows that follow,
 *    inspect-hook.ts) runs in {@link afterTurn}: two check phases later (an Immediate queued
 *    from inside a check phase runs in the next one, so after undici's write of a request started
 *    in this turn), all of one turn's work in one callback, in the order it was deferred. A throw
 *    goes to that work's `onError`, never out of the timer. Work that can be long comes in slices
 *    of bounded cost, each deferring the next with {@link afterTurn} (the log at most
 *    `LINES_PER_FLUSH` lines, deferred-log.ts; the reporting rows at most `REPORT_SLICE`'s rows
 *    and time, report-slices.ts): between two slices the event loop polls the socket, so a fill
 *    frame that arrives during a long write waits for one slice, not for all of it.
 *    Frames come first: while a socket's frames wait in a backlog ({@link framesWaiting}: read
 *    already, to be routed in a later check phase, rule 1), a reporting slice puts itself off to
 *    the next after-turn phase, for at most `REPORT_SLICE.yieldMs` from its write's start and while
 *    fewer than `REPORT_SLICE.yieldReports` reports are queued behind it (report-slices.ts), and so
 *    does a block of log lines, for at most `LINE_YIELD.maxMs` and `maxLines` (deferred-log.ts).
 *    Why: an after-turn phase queued before the backlog's check phase runs first in it, so frames
 *    read already waited for a slice, and after a pause (a GC of 5-15 ms at 50 markets x 1,000
 *    fills/s) the backlog's batches and the slices took turns, so the bot took longer to catch up;
 *    in a burst over 500 markets the backlog lasts the burst (hundreds of ms), and the last
 *    counter-orders waited for the reporting rows and lines of the fills before them. Why bounds:
 *    a bot that does not keep up always has a backlog, and its reporting rows and lines must still
 *    be written before they pile up (journal.ts writes the rows all at once, on a fill's path, past
 *    4,096 waiting, and deferred-log.ts its lines past 16,384), and the tables and the log lag by
 *    at most about a second.
 *
 * Entry points: {@link TurnOrder} (`reader`, `enter`, `hold`, `inBatch`, `aroundRelease`), {@link afterTurn},
 * {@link framesWaiting}.
 */

/** The journal as a batch sees it (journal.ts implements it). */
export interface BatchJournal {
  /** Appends from now on go into one open transaction, uncommitted. */
  openBatch(): void;
  /** Appends from now on commit before delivery again; the transaction stays open. */
  closeBatch(): void;
  /** Commits what is open. Throws when it could not. */
  commit(): void;
  /** True once a commit failed: nothing may leave any more. */
  readonly failed: boolean;
}

/**
 * A backlog batch stops routing once it holds this many requests (rule 1). Each group saves a fill
 * the commit's fixed cost (BEGIN IMMEDIATE + COMMIT, ~50 µs of SQLite at 50 markets x 1,000 fills/s)
 * and its counter-order's write syscall (~70 µs), less 1/n of them: past 16 the saving left is
 * under 8 µs a fill. Where frames cost ~15 µs (the target), {@link GROUP_BUDGET_MS} holds ~16 fills,
 * so this bound and that one meet; on a slower or busier machine the time budget binds first.
 */
export const GROUP_MAX_HELD = 16;

/**
 * A backlog batch that holds something stops routing once it has been open this long (ms, rule 1):
 * the bound on how long the first request of a group waits for its commit, whatever the frames
 * around it cost, a fifth of the p99 target (5 ms). Measured at 50 markets x 1,000 fills/s on the
 * shared 2-core machine (frames ~55 µs each there): groups of 3-4 requests; 2 and 4 ms budgets
 * (32, 64 requests) cost 10-20 % less CPU per fill, within the noise, for 2-4x that wait.
 */
export const GROUP_BUDGET_MS = 1;

/**
 * A backlog batch that starts with at least this many frames waiting routes all of them as one
 * group, whatever it holds and however long it takes (rule 1). Why: in a burst over 500 markets
 * (every market fills at once; ~2,500 frames over 200-800 ms) the backlog held hundreds of frames,
 * and the bounds above cut it into ~120 groups of 1-10 requests, each with its commit, its socket
 * write (which wakes the exchange's process, on the same two cores) and a turn of the event loop
 * that reads more frames in between. Routed whole, measured with the two alternated burst by
 * burst in one session (15 bursts each, session 12): the last fill frame to the last
 * counter-order median 36 -> 7 ms (76 -> 36 with every backlog routed whole), the median
 * reaction 25 -> 8 ms, the first 1.3 -> 1.6. The first request of such a group waits for the rest
 * of it (~55-150 µs a frame), but its frame waited already behind the whole backlog. 64 frames
 * (~16 fills) is more than a pause of ~10 ms leaves at 50 markets x 1,000 fills/s, where the
 * bounds above keep a group's first request within 1 ms of its commit.
 */
export const GROUP_DEEP = 64;

/** What runs around the release of several held requests at once (rule 3). */
export interface ReleaseBracket {
  /** Before the first of them starts (the order socket's `cork`). */
  begin(): void;
  /** After the last of them started, even if one threw (its `uncork`: one write for all). */
  end(): void;
}

/** When the phases of a turn come; tests drive them by hand. */
export interface TurnPhases {
  /** After the current callback, before promise continuations. Default `process.nextTick`. */
  readonly endOfRead: (f: () => void) => void;
  /** The next check phase. Default `setImmediate`. */
  readonly nextCheck: (f: () => void) => void;
}

export interface TurnOrderOptions {
  readonly journal?: BatchJournal | null;
  readonly phases?: TurnPhases;
  /** Milliseconds for the group budget (rule 1). Default `performance.now`; tests pass their own. */
  readonly now?: () => number;
  /** Bounds of a backlog batch (rule 1); defaults {@link GROUP_MAX_HELD}, {@link GROUP_BUDGET_MS}, {@link GROUP_DEEP}. */
  readonly group?: { readonly maxHeld?: number; readonly budgetMs?: number; readonly deep?: number };
}

/** Thrown (as a rejection) for a request held after a failed commit: it never leaves. */
export class TurnFailedError extends Error {
  override readonly name = 'TurnFailedError';
  constructor(override readonly cause: unknown) {
    super(`turn order failed: a journal commit failed, no exchange request leaves this process any more (${String(cause)})`);
  }
}

const DEFAULT_PHASES: TurnPhases = {
  endOfRead: (f) => process.nextTick(f),
  nextCheck: (f) => setImmediate(f),
};

/** Routes the frames of a socket (rule 1); one per socket actor. */
export interface FrameReader {
  /** A frame as `ws` hands it over. */
  push(text: string): void;
  /** Routes every frame waiting in the backlog now, in batches (the socket closed). */
  flush(): void;
  /** Drops the backlog; later frames are ignored (the socket actor stopped). */
  dispose(): void;
}

/** The backlogs of every reader while they hold frames (rule 1): reporting slices and log blocks give way to them (rule 5). */
const backlogs = new Set<readonly string[]>();

/** True while frames of some socket, read already, wait in its backlog for a check phase (rule 1). */
export function framesWaiting(): boolean {
  return backlogs.size > 0;
}

export class TurnOrder {
  private readonly journal: BatchJournal | null;
  private readonly phases: TurnPhases;
  private readonly now: () => number;
  private readonly maxHeld: number;
  private readonly budgetMs: number;
  private readonly deep: number;
  private batchOpen = false;
  private held: (() => void)[] = [];
  /** Replaced, never changed in place: a release loops over the brackets it began. */
  private brackets: readonly ReleaseBracket[] = [];
  private failure: TurnFailedError | null = null;

  constructor(options: TurnOrderOptions = {}) {
    this.journal = options.journal ?? null;
    this.phases = options.phases ?? DEFAULT_PHASES;
    this.now = options.now ?? (() => performance.now());
    this.maxHeld = options.group?.maxHeld ?? GROUP_MAX_HELD;
    this.budgetMs = options.group?.budgetMs ?? GROUP_BUDGET_MS;
    this.deep = options.group?.deep ?? GROUP_DEEP;
  }

  /** True while a batch of frames is being routed: requests started now are held (rule 3). */
  get inBatch(): boolean {
    return this.batchOpen;
  }

  /** True once a commit failed (rule 4). */
  get failed(): boolean {
    return this.failure !== null;
  }

  /**
   * Starts `start` now outside a batch; inside one, once the batch is committed (rule 3). Returns
   * its promise either way; after a failed commit, a rejection with {@link TurnFailedError}.
   */
  hold<T>(start: () => Promise<T>): Promise<T> {
    if (this.failure === null && this.journal?.failed === true) this.failure = new TurnFailedError('the journal failed');
    if (this.failure !== null) return Promise.reject(this.failure);
    if (!this.batchOpen) return start();
    return new Promise<T>((resolve, reject) => {
      this.held.push(() => {
        try {
          start().then(resolve, reject);
        } catch (e) {
          reject(e as Error);
        }
      });
    });
  }

  /**
   * Makes sure a batch is open before a market event is appended (rule 2): outside one, opens one
   * that ends at the end of the current callback.
   */
  enter(): void {
    if (this.batchOpen || this.failure !== null) return;
    this.openBatch();
    this.phases.endOfRead(() => {
      if (this.failure === null) this.endBatch();
    });
  }

  /**
   * Runs `bracket` around every release of more than one held request from now on (rule 3); a lone
   * request starts bare, at no cost. Returns the function that removes it (idempotent).
   */
  aroundRelease(bracket: ReleaseBracket): () => void {
    this.brackets = [...this.brackets, bracket];
    return () => {
      this.brackets = this.brackets.filter((b) => b !== bracket);
    };
  }

  /** Returns the reader of one socket: `route` is called once per frame, inside a batch. */
  reader(route: (text: string) => void): FrameReader {
    const backlog: string[] = [];
    // A batch is open for this reader (ends at the end of the read) / the rest waits for a check phase.
    let reading = false;
    let yielding = false;
    let disposed = false;
    const endRead = (): void => {
      reading = false;
      if (disposed || this.failure !== null) return;
      this.endBatch();
    };
    // Frames that will still be routed count as waiting (rule 5); after a failure or a stop none will.
    const listWaiting = (): void => {
      if (backlog.length > 0 && !disposed && this.failure === null) backlogs.add(backlog);
      else backlogs.delete(backlog);
    };
    // Routes backlog frames as one batch, a group commit bounded by rule 1; returns true when frames remain.
    const routeBacklog = (): boolean => {
      try {
        this.openBatch();
        const opened = this.now();
        // Nothing is read while a batch runs: a deep backlog is routed whole, the frames waiting now.
        const whole = backlog.length >= this.deep;
        let i = 0;
        while (i < backlog.length && !disposed) {
          route(backlog[i++] ?? '');
          const held = this.held.length;
          if (held > 0 && !whole && (held >= this.maxHeld || this.now() - opened >= this.budgetMs)) break;
        }
        backlog.splice(0, i);
        this.endBatch();
      } finally {
        listWaiting();
      }
      return backlog.length > 0 && !disposed;
    };
    const drain = (): void => {
      listWaiting();
      if (disposed || this.failure !== null) return;
      if (backlog.length === 0)
        yielding = false; // a close routed it already
      else if (routeBacklog()) this.phases.nextCheck(drain);
      else yielding = false;
    };
    return {
      push: (text) => {
        if (disposed || this.failure !== null) return;
        if (yielding) {
          backlog.push(text);
          backlogs.add(backlog);
          return;
        }
        if (!reading) {
          reading = true;
          this.openBatch();
          this.phases.endOfRead(endRead);
        }
        route(text);
        if (this.held.length === 0) return;
        // This frame started a request: it leaves now, the rest of the read in the next check phase.
        this.endBatch();
        reading = false;
        yielding = true;
        this.phases.nextCheck(drain);
      },
      flush: () => {
        while (!disposed && this.failure === null && backlog.length > 0) routeBacklog();
        yielding = false;
      },
      dispose: () => {
        disposed = true;
        backlog.length = 0;
        listWaiting();
        // A batch still open (the actor stopped mid-read) ends here, so what it held is not lost.
        if (reading && this.failure === null) this.endBatch();
        reading = false;
      },
    };
  }

  private openBatch(): void {
    if (this.batchOpen) return;
    this.batchOpen = true;
    this.journal?.openBatch();
  }

  /** Ends the open batch: commit if anything was held, then release it (rules 3 and 4). */
  private endBatch(): void {
    if (!this.batchOpen) return;
    this.batchOpen = false;
    const held = this.held;
    this.held = [];
    if (this.journal !== null) {
      try {
        // closeBatch may commit too (a zero commit lag): its failure fails the turn order the same way.
        this.journal.closeBatch();
        if (held.length > 0) this.journal.commit();
      } catch (e) {
        this.failure = new TurnFailedError(e);
        throw e;
      }
    }
    const brackets = held.length > 1 ? this.brackets : [];
    if (brackets.length === 0) {
      for (const start of held) start();
      return;
    }
    for (const b of brackets) b.begin();
    try {
      for (const start of held) start();
    } finally {
      for (const b of brackets) b.end();
    }
  }
}

type Deferred = { readonly work: () => void; readonly onError: (error: unknown) => void };

let due: Deferred[] = [];
let scheduled = false;
let schedule: (f: () => void) => void = (f) => setImmediate(() => setImmediate(f));

function runDue(): void {
  scheduled = false;
  const now = due;
  due = [];
  for (const d of now) {
    try {
      d.work();
    } catch (error) {
      d.onError(error);
    }
  }
}

function rethrow(error: unknown): never {
  throw error;
}

/**
 * Runs `work` after this turn's I/O, two check phases later (rule 5), in order with all other
 * work deferred in this turn. A throw is handed to `onError` (default: rethrown, from the timer).
 */
export function afterTurn(work: () => void, onError: (error: unknown) => void = rethrow): void {
  due.push({ work, onError });
  if (scheduled) return;
  scheduled = true;
  schedule(runDue);
}

/** Replaces how the after-turn phase is scheduled (tests); returns the previous scheduler. */
export function setAfterTurnSchedule(next: (f: () => void) => void): (f: () => void) => void {
  const previous = schedule;
  schedule = next;
  return previous;
}
