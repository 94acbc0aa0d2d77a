import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { marketLogInspector } from '../../src/runtime/market-log.js';

function recorder() {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  return {
    lines,
    sink: {
      info: (obj: object, msg: string) => lines.push({ level: 'info', msg, obj: obj as Record<string, unknown> }),
      warn: (obj: object, msg: string) => lines.push({ level: 'warn', msg, obj: obj as Record<string, unknown> }),
    },
  };
}

const ref = (id: string) => ({ id }) as never;
const snapshot = (market: string, lifecycle: unknown, stopReason: string | null = null): InspectionEvent =>
  ({ type: '@xstate.snapshot', rootId: 'x', actorRef: ref(`market:${market}`), event: { type: 'e' }, snapshot: { value: { lifecycle }, context: { stopReason } } }) as never;
const event = (to: string, e: object, from?: string): InspectionEvent =>
  ({ type: '@xstate.event', rootId: 'x', actorRef: ref(to), sourceRef: from ? ref(from) : undefined, event: e }) as never;

describe('market log', () => {
  it('logs top-level state changes once, and a stop with its reason as a warning', () => {
    const r = recorder();
    const inspect = marketLogInspector(r.sink);
    inspect(snapshot('BTC_USDT', { init: 'loading' }));
    inspect(snapshot('BTC_USDT', { init: 'loading' }));
    inspect(snapshot('BTC_USDT', { placing: 'arming' }));
    inspect(snapshot('BTC_USDT', { placing: 'sending' }));
    inspect(snapshot('BTC_USDT', { killed: 'cancelling' }, 'HTTP 401 unauthorized'));
    expect(r.lines.map((l) => `${l.level} ${l.msg}`)).toEqual(['info BTC_USDT init', 'info BTC_USDT placing', 'warn BTC_USDT stopping: HTTP 401 unauthorized']);
  });

  it('logs fills, counter-orders sent and refused orders, and ignores other actors', () => {
    const r = recorder();
    const inspect = marketLogInspector(r.sink);
    inspect(event('market:ETH_USDT', { type: 'feed.deal', deal: { dealId: 5, orderId: 9, clientOrderId: 'c', side: 'buy', price: '3000', amount: '0.1' } }));
    inspect(event('desk', { type: 'desk.place', intents: [{ clientOrderId: 'd', level: 3, side: 'sell', price: '3050', amount: '0.1', origin: 'counter' }] }, 'market:ETH_USDT'));
    inspect(event('market:ETH_USDT', { type: 'desk.result', fatal: null, outcomes: [{ kind: 'rejected', clientOrderId: 'd', reason: 'post-only would take' }] }));
    inspect(event('market:ETH_USDT', { type: 'xstate.done.actor.placeBatch', output: [{ kind: 'rejected', clientOrderId: 'e', reason: 'Not enough balance.' }] }));
    inspect(event('connection', { type: 'socket.open' }));
    expect(r.lines.map((l) => `${l.level} ${l.msg}`)).toEqual([
      'info fill',
      'info counter-order sent',
      'warn order refused: level left empty',
      'warn order refused: level left empty',
    ]);
    expect(r.lines[1]?.obj).toMatchObject({ market: 'ETH_USDT', gridLevel: 3, side: 'sell', price: '3050' });
    // pino's own `level` (the severity) must not be overwritten by the grid level.
    expect(r.lines[1]?.obj).not.toHaveProperty('level');
    expect(r.lines[3]?.obj).toMatchObject({ reason: 'Not enough balance.' });
  });
});
