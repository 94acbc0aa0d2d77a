/**
 * Turns what the market actors see and decide into log lines an operator can follow: state changes
 * (with the reason a market stopped), fills, counter-orders sent, orders the exchange refused.
 *
 * It reads XState's inspection stream rather than adding logging to the machines, so the charts
 * stay pure and a test can check the log against the same events. It runs synchronously inside
 * `inspect` (pino writes asynchronously), and does no work for events it does not log.
 */
import type { InspectionEvent } from 'xstate';
import type { PlacementOutcome } from '../grid/index.js';
import type { DeskPlace, MarketEvent } from '../machines/market/market.types.js';
import { statePath } from './status/market-status.js';

export interface MarketLogSink {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const MARKET_PREFIX = 'market:';

function marketOf(ref: unknown): string | null {
  const id = (ref as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id.startsWith(MARKET_PREFIX) ? id.slice(MARKET_PREFIX.length) : null;
}

/** Returns an `inspect` callback that logs market activity to `log`. */
export function marketLogInspector(log: MarketLogSink): (event: InspectionEvent) => void {
  const lastState = new Map<string, string>();
  return (ie) => {
    if (ie.type === '@xstate.snapshot') {
      const market = marketOf(ie.actorRef);
      if (market === null) return;
      const snapshot = ie.snapshot as { value?: { lifecycle?: unknown }; context?: { stopReason?: string | null; lastError?: string | null } };
      const state = statePath(snapshot.value?.lifecycle);
      const before = lastState.get(market);
      if (state === before) return;
      lastState.set(market, state);
      const top = state.split('.')[0];
      const reason = snapshot.context?.stopReason ?? null;
      const fields = { market, from: before ?? null, to: state, event: ie.event.type, ...(reason ? { reason } : {}) };
      if (top === 'killed' && before?.split('.')[0] !== 'killed') log.warn(fields, `${market} stopping: ${reason ?? 'stopped'}`);
      else if (before?.split('.')[0] !== top) log.info(fields, `${market} ${top}`);
      return;
    }
    if (ie.type !== '@xstate.event') return;
    const target = marketOf(ie.actorRef);
    if (target !== null) {
      if (ie.event.type === 'xstate.done.actor.placeBatch') {
        for (const o of (ie.event as unknown as { output: readonly PlacementOutcome[] }).output) {
          if (o.kind === 'rejected') log.warn({ market: target, clientOrderId: o.clientOrderId, reason: o.reason }, 'order refused: level left empty');
        }
        return;
      }
      const e = ie.event as MarketEvent;
      if (e.type === 'feed.deal') {
        const d = e.deal;
        log.info({ market: target, dealId: d.dealId, orderId: d.orderId, clientOrderId: d.clientOrderId, side: d.side, price: d.price, amount: d.amount }, 'fill');
      } else if (e.type === 'desk.result') {
        for (const o of e.outcomes) {
          if (o.kind === 'rejected') log.warn({ market: target, clientOrderId: o.clientOrderId, reason: o.reason }, 'order refused: level left empty');
          else if (o.kind === 'unknown') log.warn({ market: target, clientOrderId: o.clientOrderId, reason: o.reason }, 'order outcome unknown: reconciling');
        }
        if (e.fatal) log.warn({ market: target, reason: e.fatal }, 'counter-orders failed fatally');
      }
      return;
    }
    // What a market asks its desk (sent from the market actor to its `desk` child).
    const source = marketOf(ie.sourceRef);
    if (source !== null && (ie.event as { type: string }).type === 'desk.place') {
      for (const i of (ie.event as DeskPlace).intents) {
        log.info({ market: source, clientOrderId: i.clientOrderId, gridLevel: i.level, side: i.side, price: i.price, amount: i.amount, origin: i.origin }, `${i.origin === 'counter' ? 'counter-order' : 'order'} sent`);
      }
    }
  };
}
