/* global document, window, EventSource, fetch, location, history, setInterval, setTimeout, requestAnimationFrame, URLSearchParams */
// The inspector page: one EventSource (/events) feeding an overview of every actor and the detail
// of the selected one. Every (re)connect starts with a full snapshot, so a reload, a dropped
// connection or a restarted runtime resyncs by itself. No framework, no CDN: it works offline.
import { buildChart, eventLabel, nextTransitions, updateChart } from './chart.js';
import { renderFleet, renderMarketTrader } from './trader.js';

const $ = (id) => document.getElementById(id);
const S = {
  mode: null,
  runId: null,
  rows: new Map(),
  focus: decodeURIComponent(location.hash.slice(1)) || null,
  detail: null,
  offset: 0,
  replay: null,
  replayNow: 0,
  connected: false,
  everConnected: false,
  dropped: 0,
  fleet: null,
};
let es = null;
let chart = null; // { machine, handle, json }
const charts = new Map();

// ---- the stream -------------------------------------------------------------------------------
function connect() {
  if (es) es.close();
  es = new EventSource(`/events${S.focus ? `?focus=${encodeURIComponent(S.focus)}` : ''}`);
  es.addEventListener('snapshot', (m) => onSnapshot(JSON.parse(m.data)));
  es.addEventListener('delta', (m) => onDelta(JSON.parse(m.data)));
  es.onopen = () => {
    S.connected = true;
    S.everConnected = true;
    schedule();
  };
  es.onerror = () => {
    S.connected = false;
    schedule();
    // EventSource retries by itself while CONNECTING; once CLOSED (e.g. a 5xx) it needs a nudge.
    if (es.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
  };
}

function onSnapshot(msg) {
  if (msg.runId !== S.runId) {
    S.runId = msg.runId;
    chart = null;
  }
  S.mode = msg.mode;
  S.rows = new Map(msg.rows.map((r) => [r.id, r]));
  S.detail = msg.focus;
  S.replay = msg.replay;
  S.dropped = msg.dropped;
  S.fleet = msg.fleet;
  clock(msg.now);
  S.connected = true;
  if (S.focus && !S.rows.has(S.focus) && msg.mode === 'live' && S.rows.size > 0) {
    // The selected actor is gone (another run): pick again.
    select(null);
    return;
  }
  if (!S.focus) autoSelect();
  schedule();
}

function onDelta(msg) {
  for (const r of msg.rows) S.rows.set(r.id, r);
  if (msg.focus) S.detail = msg.focus;
  if (msg.fleet) S.fleet = msg.fleet;
  S.dropped = msg.dropped;
  clock(msg.now);
  if (!S.focus) autoSelect();
  schedule();
}

function clock(now) {
  if (S.mode === 'replay') S.replayNow = now;
  else S.offset = now - Date.now();
}
const nowMs = () => (S.mode === 'replay' ? S.replayNow : Date.now() + S.offset);

function autoSelect() {
  const first = [...S.rows.values()].find((r) => r.machine === 'market') ?? null;
  if (first) select(first.id);
}

function select(id) {
  if (id === S.focus && es) return;
  S.focus = id;
  S.detail = null;
  history.replaceState(null, '', id ? `#${encodeURIComponent(id)}` : location.pathname);
  connect();
  schedule();
}

// ---- rendering --------------------------------------------------------------------------------
let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

function top(row) {
  if (row.status === 'error') return 'failed';
  const parts = row.state.split('.');
  if (row.machine === 'connection' && parts[0] === 'connection' && parts[1]) return parts[1];
  return parts[0] || row.status;
}

function chip(row) {
  const s = document.createElement('span');
  s.className = `state st-${top(row)}`;
  s.textContent = row.status === 'error' ? `failed (${row.state})` : row.state || row.status;
  return s;
}

function dur(ms) {
  if (!(ms >= 0)) return '';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

function hms(t) {
  const d = new Date(t);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function render() {
  renderHeader();
  renderBanners();
  renderRows();
  renderFleet(S.fleet, nowMs());
  renderDetail();
  renderTimeline();
}

function renderHeader() {
  const badge = $('mode');
  if (!S.connected) {
    badge.className = 'badge off';
    badge.textContent = S.everConnected ? 'disconnected' : 'connecting…';
  } else {
    badge.className = `badge ${S.mode}`;
    badge.textContent = S.mode === 'replay' ? 'replay' : 'live';
  }
  const rows = [...S.rows.values()];
  const markets = rows.filter((r) => r.machine === 'market');
  const counts = new Map();
  for (const r of markets) counts.set(top(r), (counts.get(top(r)) ?? 0) + 1);
  $('summary').textContent = markets.length
    ? `${markets.length} market${markets.length === 1 ? '' : 's'}: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`
    : '';
  const sel = $('stateFilter');
  const states = new Set(rows.map(top));
  const have = new Set([...sel.options].map((o) => o.value));
  for (const s of [...states].sort()) {
    if (!have.has(s)) sel.add(new window.Option(s, s));
  }
}

function renderBanners() {
  const box = $('banners');
  box.replaceChildren();
  const add = (cls, text) => {
    const d = document.createElement('div');
    d.className = `banner ${cls}`;
    d.textContent = text;
    box.appendChild(d);
  };
  if (!S.connected && S.everConnected)
    add('down', 'Disconnected from the gridbot runtime: retrying every second. The page resyncs when it is back (a restarted run starts a fresh page).');
  else if (!S.connected) add('info', 'Connecting to the gridbot runtime…');
  const conn = [...S.rows.values()].find((r) => r.machine === 'connection');
  if (S.connected && conn && conn.status === 'active' && !conn.state.startsWith('connection.open')) {
    const what = conn.state === 'backoff' ? 'down, reconnecting (backoff)' : conn.state.replace(/^connection\./, '');
    add('warn', `Exchange connection ${what}: markets wait; their orders rest on the exchange under the kill-switch.`);
  }
  if (S.dropped > 0) add('warn', `The inspector dropped ${S.dropped} events under load; rows are still exact, logs may have gaps.`);
}

const trs = new Map();
function renderRows() {
  const body = $('rows');
  const q = $('filter').value.trim().toLowerCase();
  const sf = $('stateFilter').value;
  const now = nowMs();
  const order = [...S.rows.values()].sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
  let shown = 0;
  for (const r of order) {
    let tr = trs.get(r.id);
    if (!tr) {
      tr = document.createElement('tr');
      tr.dataset.id = r.id;
      for (let i = 0; i < 11; i++) tr.appendChild(document.createElement('td'));
      [3, 4, 5, 6, 7, 8].forEach((i) => tr.children[i].classList.add('num'));
      tr.addEventListener('click', () => select(r.id));
      trs.set(r.id, tr);
    }
    const visible = (!q || r.id.toLowerCase().includes(q)) && (!sf || top(r) === sf);
    tr.hidden = !visible;
    if (visible) shown += 1;
    tr.classList.toggle('sel', r.id === S.focus);
    const m = r.market;
    const c = tr.children;
    c[0].textContent = r.id;
    c[1].replaceChildren(chip(r));
    c[2].textContent = dur(now - r.since);
    c[3].textContent = m ? m.liveOrders : '';
    c[4].textContent = m ? m.pendingOrders : '';
    c[5].textContent = m ? `${m.fills} / ${m.allTime.fills}` : '';
    c[6].textContent = m ? `${m.realisedPnl} / ${m.allTime.realisedQuote}${m.quoteAsset ? ` ${m.quoteAsset}` : ''}` : '';
    c[7].textContent = m ? m.inventory : '';
    c[8].textContent = m ? (m.price ?? '') : '';
    c[9].textContent = m ? (m.ksDeadline === null ? '—' : `${Math.max(0, Math.round((m.ksDeadline - now) / 1000))}s left`) : '';
    c[10].textContent = m ? (m.reason ?? '') : '';
    c[10].title = c[10].textContent;
    body.appendChild(tr);
  }
  $('emptyRows').hidden = S.rows.size > 0;
  if (S.rows.size > 0 && shown === 0) {
    $('emptyRows').hidden = false;
    $('emptyRows').textContent = 'No actor matches the filter.';
  }
}

function rank(r) {
  return r.machine === 'supervisor' ? 0 : r.machine === 'connection' ? 1 : 2;
}

async function chartOf(machine) {
  if (!charts.has(machine)) {
    charts.set(machine, Promise.all([fetch(`/charts/${machine}.json`).then((r) => r.json()), fetch(`/charts/${machine}.layout.json`).then((r) => r.json())]));
  }
  return charts.get(machine);
}

function renderDetail() {
  const d = S.detail;
  const row = d ? S.rows.get(d.id) : null;
  $('emptyDetail').hidden = Boolean(d);
  $('detailBody').hidden = !d;
  if (!d || !row) return;
  $('dTitle').textContent = d.id;
  $('dState').replaceChildren(chip(row));
  $('dSince').textContent = `for ${dur(nowMs() - row.since)}`;
  if (!chart || chart.machine !== d.machine) {
    const machine = d.machine;
    chart = { machine, handle: null, json: null };
    chartOf(machine).then(([json, layout]) => {
      if (!chart || chart.machine !== machine) return;
      chart.json = json;
      chart.handle = buildChart($('chart'), layout, json);
      schedule();
    });
  }
  if (chart.handle) {
    updateChart(chart.handle, d.active, d.trail);
    const next = nextTransitions(chart.json, d.active);
    list($('next'), next.length ? next : ['(none: the machine has finished)']);
  }
  const key = (id) => id.split('.').slice(1).join('.') || id;
  list(
    $('trail'),
    [...d.trail].reverse().map((s) => `${hms(s.t)}  ${eventLabel(s.type)}: ${key(s.from)} → ${s.to.map(key).join(', ')}`),
  );
  const isMarket = d.machine === 'market';
  $('marketPanels').hidden = !isMarket;
  $('marketTrader').hidden = !isMarket;
  $('dReason').hidden = true;
  if (isMarket) {
    renderLadder(d, row);
    $('priceNote').textContent = row.market?.price ? `last ${row.market.price}` : '';
    renderMarketTrader(d, row, nowMs());
  }
  renderLog(d);
}

function list(node, lines) {
  node.replaceChildren(
    ...lines.map((t) => {
      const li = document.createElement('li');
      li.textContent = t;
      return li;
    }),
  );
}

function cell(tr, text, cls) {
  const td = document.createElement('td');
  if (cls) td.className = cls;
  if (text instanceof window.Node) td.appendChild(text);
  else td.textContent = text;
  tr.appendChild(td);
  return td;
}

function renderLadder(d, row) {
  const body = $('ladder');
  const L = d.ladder;
  $('emptyLadder').hidden = Boolean(L);
  body.replaceChildren();
  if (!L) return;
  const price = row.market?.price ? Number(row.market.price) : null;
  const levels = [...L.levels].reverse();
  let marked = price === null;
  const marker = () => {
    const tr = document.createElement('tr');
    tr.className = 'last';
    const td = cell(tr, `last price ${row.market.price} ${L.quote}`);
    td.colSpan = 6;
    body.appendChild(tr);
    marked = true;
  };
  for (const l of levels) {
    if (!marked && Number(l.price) < price) marker();
    const o = l.order;
    const tr = document.createElement('tr');
    tr.className = o ? o.side : l.i === L.gap ? 'gap' : '';
    cell(tr, String(l.i));
    cell(tr, l.price, 'num');
    cell(tr, o ? o.side.toUpperCase() : l.i === L.gap ? 'gap' : '—', 'side');
    cell(tr, o ? `${o.amount} ${L.base}` : '', 'num');
    // A level refused as post-only waits for the price to come back: said in the state column.
    const waits = (l.waiting ?? []).map((w) => `${w.side} ${w.amount} waiting for price`).join('; ');
    if (!o && waits) tr.className = `${tr.className} waiting`.trim();
    cell(tr, [o ? `${o.state}${o.origin !== 'plan' ? ` (${o.origin})` : ''}` : '', waits].filter(Boolean).join('; '));
    if (l.fills > 0) {
      const f = document.createElement('span');
      f.className = `fill ${l.lastFill ?? ''}`;
      f.textContent = `✓ ${l.fills} fill${l.fills === 1 ? '' : 's'}, ${l.filled}`;
      cell(tr, f);
    } else cell(tr, '');
    body.appendChild(tr);
  }
  if (!marked) marker();
  const live = L.levels.filter((l) => l.order && l.order.state === 'live');
  const waitingLevels = L.levels.filter((l) => (l.waiting ?? []).length > 0).length;
  $('ladderNote').textContent =
    `${L.levels.length} levels, ${live.filter((l) => l.order.side === 'buy').length} buys and ${live.filter((l) => l.order.side === 'sell').length} sells resting` +
    (waitingLevels > 0 ? `, ${waitingLevels} waiting for price` : '');
}

function renderLog(d) {
  const body = $('log');
  const rows = [...d.log].reverse().map((e) => {
    const tr = document.createElement('tr');
    if (e.from !== e.next) tr.className = 'move';
    cell(tr, hms(e.t));
    cell(tr, `${e.to ? `→ ${e.to}: ` : ''}${eventLabel(e.type)}${e.n > 1 ? ` ×${e.n}` : ''}`);
    cell(tr, e.src ?? 'external');
    cell(tr, e.from === e.next ? e.from || '—' : `${e.from || '(start)'} → ${e.next}`);
    cell(tr, e.note ?? '', 'note');
    return tr;
  });
  body.replaceChildren(...rows);
}

// ---- replay timeline --------------------------------------------------------------------------
function renderTimeline() {
  const on = S.mode === 'replay' && S.replay;
  $('timeline').hidden = !on;
  if (!on) return;
  const r = S.replay;
  const slider = $('tSlider');
  slider.max = String(r.count);
  if (document.activeElement !== slider) slider.value = String(r.position);
  $('tInfo').textContent = `record ${r.position}/${r.count} · ${hms(r.t)} · +${((r.t - r.t0) / 1000).toFixed(3)}s of ${((r.t1 - r.t0) / 1000).toFixed(1)}s`;
}

function seek(params) {
  const q = new URLSearchParams(params);
  if (S.focus) q.set('focus', S.focus);
  fetch(`/replay/seek?${q}`, { method: 'POST' });
}
$('tFirst').addEventListener('click', () => seek({ to: 0 }));
$('tLast').addEventListener('click', () => seek({ to: S.replay ? S.replay.count : 0 }));
$('tPrev').addEventListener('click', () => seek({ step: 'prev' }));
$('tNext').addEventListener('click', () => seek({ step: 'next' }));
$('tSlider').addEventListener('change', (e) => seek({ to: e.target.value }));
window.addEventListener('keydown', (e) => {
  if (S.mode !== 'replay' || e.target.tagName === 'INPUT') return;
  if (e.key === 'ArrowLeft') seek({ step: 'prev' });
  if (e.key === 'ArrowRight') seek({ step: 'next' });
});

$('filter').addEventListener('input', schedule);
$('stateFilter').addEventListener('change', schedule);
window.addEventListener('hashchange', () => select(decodeURIComponent(location.hash.slice(1)) || null));
setInterval(schedule, 1000); // time in state, kill-switch countdown
connect();
schedule();
