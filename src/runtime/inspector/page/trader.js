/* global document */
// The trader's view of the inspector page: the fleet's totals per quote asset (never summed across
// assets), the exchange balances, the trade history (each fill with its counter-order) and profit
// over time, fleet-wide and per market, and the market's price chart with its axes. The figures are
// the server's (report/fleet-figures.ts and fleet-totals.ts, as every other surface shows them); the
// page only lays them out.
import { drawPrice, drawProfit } from './charts.js';

const $ = (id) => document.getElementById(id);

function td(tr, text, cls) {
  const c = document.createElement('td');
  if (cls) c.className = cls;
  c.textContent = text;
  tr.appendChild(c);
  return c;
}

const money = (amount, asset) => `${amount} ${asset}`;

function hms(t) {
  const d = new Date(t);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Renders the fleet section: totals, balances, fleet-wide profit and trade history. */
export function renderFleet(fleet, nowMs) {
  if (!fleet) return;
  const totals = $('totals');
  totals.replaceChildren(
    ...fleet.totals.map((t) => {
      const tr = document.createElement('tr');
      td(tr, `${t.asset} (${t.markets} market${t.markets === 1 ? '' : 's'})`, 'asset');
      td(tr, money(t.run.realised, t.asset), 'num');
      td(tr, money(t.allTime.realised, t.asset), 'num');
      td(tr, money(t.unrealised, t.asset), 'num');
      td(tr, money(t.run.fees, t.asset), 'num');
      td(tr, money(t.allTime.fees, t.asset), 'num');
      td(tr, `${t.run.fills} / ${t.allTime.fills}`, 'num');
      td(tr, String(t.roundTrips), 'num');
      return tr;
    }),
  );
  $('emptyTotals').hidden = fleet.totals.length > 0;

  const b = fleet.balances;
  $('balances').replaceChildren(
    ...(b ? b.list : []).map((x) => {
      const tr = document.createElement('tr');
      td(tr, x.asset, 'asset');
      td(tr, x.available, 'num');
      td(tr, x.freeze, 'num');
      return tr;
    }),
  );
  $('emptyBalances').hidden = Boolean(b && b.list.length > 0);
  $('balanceNote').textContent = b ? `read ${hms(b.t)}${b.error ? ` · last read failed: ${b.error}` : ''}` : 'not read yet';

  const lines = fleet.profit.map((p) => ({ label: `realised, net of fees (${p.asset})`, points: p.points }));
  const el = $('fleetProfit');
  if (lines.length > 0 && !el.closest('[hidden]')) drawProfit(el, lines, nowMs, `PnL (${fleet.profit.map((p) => p.asset).join(', ')})`);
  $('fleetProfitCaption').textContent = lines.length
    ? `x: time · y: this run's realised PnL net of fees, per quote asset (${fleet.profit.map((p) => p.asset).join(', ')})`
    : 'No figures yet.';
  renderTrades($('fleetTrades'), [...fleet.trades].reverse(), true);
}

/** Renders the trader's panels of the selected market: stop reason, price chart, profit, trade history. */
export function renderMarketTrader(d, row, nowMs) {
  const m = row.market;
  const quote = (d.ladder && d.ladder.quote) || (m && m.quoteAsset) || '';
  const reason = $('dReason');
  reason.hidden = !(m && m.stopReason);
  reason.textContent = m && m.stopReason ? `Stopped: ${m.stopReason}` : '';
  drawPrice($('priceChart'), d, nowMs, quote);
  $('priceCaption').textContent =
    `x: time · y: price in ${quote || 'the quote asset'} · lines: grid levels (green: resting buy, red: resting sell, grey: empty) · dots: fills`;
  drawProfit($('marketProfit'), [{ label: `realised, net of fees (${quote})`, points: d.profit }], nowMs, `PnL (${quote})`);
  $('marketProfitCaption').textContent = `x: time · y: this run's realised PnL net of fees in ${quote || 'the quote asset'}`;
  renderTrades($('marketTrades'), [...d.trades].reverse(), false);
  $('emptyTrades').hidden = d.trades.length > 0;
}

/** The counter-order's cell: what it is and its state, its client id on a line of its own. */
function counterCell(row, t) {
  const c = t.counter;
  const cellEl = td(row, c && c.kind === 'order' ? `${c.side} ${c.amount} @ ${c.price} · ${t.counterState ?? c.state}` : counterText(t), 'counter');
  if (c && c.kind === 'order') {
    const id = document.createElement('span');
    id.className = 'cid';
    id.textContent = c.clientOrderId;
    cellEl.appendChild(id);
  }
}

function counterText(tr) {
  const c = tr.counter;
  if (!c) return '—';
  switch (c.kind) {
    case 'carried':
      return `${c.side} at level ${c.level}: carried (the level is busy or waits for price)`;
    case 'offGrid':
      return `none: beyond the grid's edge (kept as inventory)`;
    default:
      return '—';
  }
}

function renderTrades(body, trades, withMarket) {
  body.replaceChildren(
    ...trades.map((t) => {
      const tr = document.createElement('tr');
      tr.className = t.side;
      td(tr, hms(t.t));
      if (withMarket) td(tr, t.market.replace(/^market:/, ''));
      td(tr, t.side.toUpperCase(), 'side');
      td(tr, t.price, 'num');
      td(tr, t.amount, 'num');
      td(tr, t.fee == null ? '' : `${t.fee} ${t.feeAsset ?? ''}`.trim(), 'num');
      counterCell(tr, t);
      return tr;
    }),
  );
}
