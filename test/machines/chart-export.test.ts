import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { chartEdges } from '../../src/machines/chart-edges.js';
import { chartJson, eventLabel, exportChart } from '../../src/machines/chart-export.js';
import { connectionMachine } from '../../src/machines/connection/connection.machine.js';
import { marketMachine } from '../../src/machines/market/market.machine.js';

type Mermaid = { parse: (text: string) => Promise<unknown> };
let mermaid: Mermaid;

beforeAll(async () => {
  // Mermaid's parser wants a DOM for its sanitiser; jsdom stands in for the browser.
  const { window } = new JSDOM('');
  Object.assign(globalThis, { window, document: window.document });
  mermaid = (await import('mermaid')).default as unknown as Mermaid;
});

const machines: [string, AnyStateMachine][] = [
  ['market', marketMachine],
  ['connection', connectionMachine],
];

describe.each(machines)('%s chart export', (_name, machine) => {
  it('names every state in every format', () => {
    const nodes = chartJson(machine).nodes.slice(1);
    const mermaidText = exportChart(machine, 'mermaid');
    const dot = exportChart(machine, 'dot');
    for (const n of nodes) {
      expect(mermaidText).toContain(`state "${n.key}" as ${n.id.replace(/[^A-Za-z0-9_]/g, '_')}`);
      expect(dot).toContain(JSON.stringify(n.id));
    }
  });

  it('draws every transition of the definition', () => {
    const edges = chartEdges(machine);
    const json = JSON.parse(exportChart(machine, 'json')) as { edges: { key: string }[] };
    expect(json.edges.map((e) => e.key)).toEqual(edges.map((e) => e.key));
    const mermaidLines = exportChart(machine, 'mermaid')
      .split('\n')
      .filter((l) => l.includes(' --> ') && l.includes(' : '));
    const dotLines = exportChart(machine, 'dot')
      .split('\n')
      .filter((l) => l.includes(' -> '));
    const expected = edges.reduce((n, e) => n + Math.max(1, e.targets.length), 0);
    expect(mermaidLines).toHaveLength(expected);
    expect(dotLines).toHaveLength(expected);
  });

  it('produces Mermaid that Mermaid parses', async () => {
    await expect(mermaid.parse(exportChart(machine, 'mermaid'))).resolves.toMatchObject({ diagramType: 'stateDiagram' });
  });

  it('is rejected by the parser when broken, so the check above can fail', async () => {
    await expect(mermaid.parse(`${exportChart(machine, 'mermaid')}  a --> --> : x\n`)).rejects.toThrow();
  });
});

describe('event labels', () => {
  it('shortens XState internal event names', () => {
    expect(eventLabel('xstate.after.retryDelay.market.lifecycle.init.waiting')).toBe('after retryDelay');
    expect(eventLabel('xstate.done.actor.loadMarket')).toBe('done: loadMarket');
    expect(eventLabel('xstate.error.actor.feed')).toBe('error: feed');
    expect(eventLabel('feed.deal')).toBe('feed.deal');
  });
});
