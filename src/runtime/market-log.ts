/**
 * Turns what the market actors tell their observers into log lines an operator can follow: state
 * changes (with the reason a market stopped), fills, orders sent to the desk, the desk's orders
 * placed and the way each went (`via` ws | rest), orders the exchange refused or whose outcome is unknown, batches that failed whole, levels waiting for price.
 *
 * It listens to the typed events each market emits (market.emitted.ts) rather than adding logging
 * to the machines, so the charts stay pure. A listener runs only for its own event type, and a state
 * line is written only when the top-level state changes (the machine emits `market.state` once per
 * change of any sub-state). Entry points: `marketLogObserver(log)` for `startRuntime({ observers })`,
 * `watchMarketLog` for one market. Lines go to `log` synchronously; `gridbot run` hands a
 * deferred sink (deferred-log.ts) so they are built after the counter-order has left.
 */
import { type MarketEvents, type RuntimeObserver, eachMarket } from './start/observers.js';

export interface MarketLogSink {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const topOf = (state: string): string => {
  const dot = state.indexOf('.');
  return dot < 0 ? state : state.slice(0, dot);
};

/** Logs one market's activity to `log`. */
export function watchMarketLog(market: string, events: MarketEvents, log: MarketLogSink): void {
  events.on('market.state', (e) => {
    const top = topOf(e.state);
    const fromTop = e.from === null ? null : topOf(e.from);
    if (fromTop === top) return;
    const fields = { market, from: e.from, to: e.state, event: e.cause, ...(e.stopReason ? { reason: e.stopReason } : {}) };
    if (top === 'killed') log.warn(fields, `${market} stopping: ${e.stopReason ?? 'stopped'}`);
    else log.info(fields, `${market} ${top}`);
  });
  events.on('market.fill', (e) => {
    log.info({ market, dealId: e.dealId, orderId: e.orderId, clientOrderId: e.clientOrderId, side: e.side, price: e.price, amount: e.amount }, 'fill');
  });
  events.on('market.ordersSent', (e) => {
    // A placing batch can hold a whole grid: its orders are summed up by their answers, not listed here.
    if (e.via !== 'desk') return;
    for (const i of e.intents) {
      log.info(
        { market, clientOrderId: i.clientOrderId, gridLevel: i.level, side: i.side, price: i.price, amount: i.amount, origin: i.origin },
        `${i.origin === 'counter' ? 'counter-order' : 'order'} sent`,
      );
    }
  });
  events.on('market.ordersAnswered', (e) => {
    for (const o of e.outcomes) {
      // The way is decided when the order leaves (after the fill's commit), so the answer names it, not the "sent" line.
      const via = e.via === 'desk' && o.via !== undefined ? { via: o.via } : {};
      if (o.kind === 'placed' && o.via !== undefined && e.via === 'desk')
        log.info({ market, clientOrderId: o.clientOrderId, orderId: o.orderId, via: o.via }, `order placed via ${o.via}`);
      else if (o.kind === 'rejected')
        log.warn(
          { market, clientOrderId: o.clientOrderId, reason: o.reason, ...via },
          o.wouldTake === true ? 'order refused as post-only: level waits for price' : 'order refused: level left empty',
        );
      else if (o.kind === 'unknown' && e.via === 'desk')
        log.warn({ market, clientOrderId: o.clientOrderId, reason: o.reason, ...via }, 'order outcome unknown: reconciling');
    }
    if (e.fatal) log.warn({ market, reason: e.fatal }, 'counter-orders failed fatally');
  });
  events.on('market.waiting', (e) => {
    log.info({ market, waiting: e.waiting }, `${market}: ${e.waiting} level${e.waiting === 1 ? '' : 's'} waiting for price`);
  });
  events.on('market.planWaiting', (e) => {
    log.warn(
      { market, price: e.price, reason: e.reason },
      `${market}: the plan fails at price ${e.price} (it passed the start checks: the price moved): nothing placed; loading again until it passes`,
    );
  });
  events.on('market.batchFailed', (e) => {
    log.warn({ market, outcome: e.outcome, reason: e.reason }, 'order batch failed');
  });
}

/** Returns the observer that logs every market's activity to `log`. */
export function marketLogObserver(log: MarketLogSink): RuntimeObserver {
  return (actors) => eachMarket(actors, (market, events) => watchMarketLog(market, events, log));
}
