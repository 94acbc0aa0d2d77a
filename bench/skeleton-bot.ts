/**
 * `skeleton` and `skeleton-rest`: the least a bot built the way this project must be built can do per
 * fill, on ours's wire. Issue 15 asks for `orderEntry: ws` at half the reaction of `orderEntry:
 * rest`; these two bots measure what that ratio can be before any of our own code runs.
 *
 * What each does per fill, and nothing else (the bare bot's wire, bare-bot.ts, plus what DESIGN.md
 * and the README's safety promises require of any implementation):
 * 1. `JSON.parse` of the frame (as the bare bot);
 * 2. the write-ahead: the deal's line written to a file with one `write` before anything acts on it
 *    (the journal's tail does this, journal/tail-log.ts; a bot that survives a restart without
 *    duplicate or lost counter-orders must record the fill before its counter-order leaves);
 * 3. one XState v5 actor per market (`setup`, an explicit invoke id, `onError`): the deal is an
 *    event, and its transition's action hands the counter-order (price from `Decimal`, never a
 *    float) to an invoked `desk` callback actor with `sendTo`, as the market machine does;
 * 4. the desk sends it: one `order_limit_place` frame on the market-data socket (`skeleton`), or a
 *    signed `order/new` through our REST client, src/adapters/whitebit/rest-client.ts, the one
 *    `ours-rest` uses (`skeleton-rest`).
 *
 * No book, no fill ledger, no PnL, no journal tables, no log, no inspector, no recovery. So `skeleton`
 * ÷ `skeleton-rest` is the best the ratio can be on this machine with this design; `ours` ÷
 * `ours-rest` adds the same shared cost to both sides and can only be closer to 1.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { type Actor, createActor, enqueueActions, fromCallback, setup } from 'xstate';
import { WhitebitRestClient } from '../src/adapters/whitebit/rest-client.js';
import { BareBot, type BareOptions, type SocketOrder } from './bare-bot.js';

export interface SkeletonOptions extends BareOptions {
  /** How the desk sends the counter-order: a frame on the socket (`skeleton`) or our REST client (`skeleton-rest`). */
  readonly orderEntry: 'ws' | 'rest';
}

type SkeletonEvent = { readonly type: 'deal'; readonly params: readonly unknown[] };
type DeskEvent = { readonly type: 'place'; readonly order: SocketOrder };

/** One market's actor: a deal in, its counter-order out to the desk. */
export const skeletonMachine = setup({
  types: {
    context: {} as { readonly market: string; readonly step: Decimal; seq: number },
    input: {} as { readonly market: string; readonly step: string },
    events: {} as SkeletonEvent,
  },
  actors: {
    desk: fromCallback<DeskEvent>(() => {
      throw new Error('skeleton: no desk provided');
    }),
  },
}).createMachine({
  id: 'skeleton',
  context: ({ input }) => ({ market: input.market, step: new Decimal(input.step), seq: 0 }),
  invoke: { id: 'desk', src: 'desk', onError: { target: '.stopped' } },
  initial: 'running',
  states: {
    running: {
      on: {
        deal: {
          actions: enqueueActions(({ context, event, enqueue }) => {
            // [id, time, market, orderId, price, amount, fee, clientOrderId, side (1 sell, 2 buy), …]
            const p = event.params;
            const filledSell = p[8] === 1;
            const price = new Decimal(p[4] as string)[filledSell ? 'minus' : 'plus'](context.step);
            context.seq += 1;
            const order: SocketOrder = {
              market: context.market,
              side: filledSell ? 'buy' : 'sell',
              amount: String(p[5]),
              price: price.toFixed(2),
              client_order_id: `fl.${context.seq.toString(36)}`,
              post_only: true,
            };
            enqueue.sendTo('desk', { type: 'place', order });
          }),
        },
      },
    },
    stopped: { type: 'final' },
  },
});

export class SkeletonBot extends BareBot {
  private readonly actors = new Map<string, Actor<typeof skeletonMachine>>();
  private dir: string | null = null;
  private tail: number | null = null;
  private rest: WhitebitRestClient | null = null;

  constructor(readonly skeleton: SkeletonOptions) {
    super(skeleton);
  }

  override async start(): Promise<void> {
    await super.start();
    this.dir = mkdtempSync(join(tmpdir(), 'gridbot-skeleton-'));
    this.tail = openSync(join(this.dir, 'tail'), 'a');
    if (this.skeleton.orderEntry === 'rest') {
      this.rest = new WhitebitRestClient({ baseUrl: this.skeleton.restUrl, apiKey: this.skeleton.apiKey, apiSecret: this.skeleton.apiSecret });
    }
    const desk = fromCallback<DeskEvent>(({ receive }) => {
      receive((e) => this.place(e.order));
    });
    const machine = skeletonMachine.provide({ actors: { desk } });
    for (const market of this.skeleton.markets) {
      const actor = createActor(machine, { input: { market, step: this.skeleton.grid.step } });
      actor.start();
      this.actors.set(market, actor);
    }
  }

  protected override onDeal(p: unknown[]): void {
    const actor = this.actors.get(p[2] as string);
    if (actor === undefined || this.tail === null) return;
    writeSync(this.tail, `${JSON.stringify(p)}\n`);
    actor.send({ type: 'deal', params: p });
  }

  private place(order: SocketOrder): void {
    if (this.rest === null) {
      this.sendOrder(order);
      return;
    }
    const request = {
      market: order.market,
      side: order.side,
      amount: order.amount,
      price: order.price,
      clientOrderId: order.client_order_id,
      postOnly: order.post_only,
    };
    this.rest.orderNew(request).then(
      () => {
        this.placed += 1;
      },
      (e: unknown) => {
        this.errors += 1;
        this.lastError = String(e);
      },
    );
  }

  override close(): void {
    for (const a of this.actors.values()) a.stop();
    this.actors.clear();
    if (this.tail !== null) closeSync(this.tail);
    this.tail = null;
    if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    void this.rest?.close();
    this.rest = null;
    super.close();
  }
}
