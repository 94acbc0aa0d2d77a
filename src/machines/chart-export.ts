/**
 * Exports a machine's chart as Mermaid, Graphviz DOT or JSON, walked from its definition
 * (`machine.root`): no hand-written diagrams, so the picture cannot drift from the code.
 *
 * State names repeat across a chart (`waiting` under several parents) while Mermaid and DOT names
 * are global, so every node is named by its full path and labelled with its own key.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { type ChartEdge, chartEdges } from './chart-edges.js';

export type ChartFormat = 'mermaid' | 'dot' | 'json';

export interface ChartNode {
  readonly id: string;
  readonly key: string;
  readonly parent: string | null;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly initial: string | null;
  readonly tags: readonly string[];
  readonly invokes: readonly string[];
}

export interface ChartJson {
  readonly id: string;
  readonly nodes: readonly ChartNode[];
  readonly edges: readonly (Omit<ChartEdge, 'key'> & { readonly key: string; readonly label: string })[];
}

function nodesOf(node: AnyStateNode, parent: string | null, out: ChartNode[]): void {
  const initial = node.type === 'compound' && node.initial?.target?.[0] ? (node.initial.target[0] as AnyStateNode).id : null;
  out.push({
    id: node.id,
    key: node.key,
    parent,
    type: node.type as ChartNode['type'],
    initial,
    tags: [...node.tags],
    invokes: node.invoke.map((i: { id: string }) => i.id),
  });
  for (const child of Object.values(node.states) as AnyStateNode[]) nodesOf(child, node.id, out);
}

/** Returns a short human label for an event: `after retryDelay`, `done: loadMarket`, `error: feed`. */
export function eventLabel(event: string): string {
  const after = /^xstate\.after\.([^.]+)\./.exec(event);
  if (after) return `after ${after[1]}`;
  const done = /^xstate\.done\.actor\.(.+)$/.exec(event);
  if (done) return `done: ${done[1]}`;
  const error = /^xstate\.error\.actor\.(.+)$/.exec(event);
  if (error) return `error: ${error[1]}`;
  const doneState = /^xstate\.done\.state\.(.+)$/.exec(event);
  if (doneState) return 'done';
  return event;
}

function labelOf(e: ChartEdge): string {
  return e.guard ? `${eventLabel(e.event)} [${e.guard}]` : eventLabel(e.event);
}

/** Returns the chart's nodes and edges as plain data. */
export function chartJson(machine: AnyStateMachine): ChartJson {
  const nodes: ChartNode[] = [];
  nodesOf(machine.root, null, nodes);
  return { id: machine.root.id, nodes, edges: chartEdges(machine).map((e) => ({ ...e, label: labelOf(e) })) };
}

const safe = (id: string) => id.replace(/[^A-Za-z0-9_]/g, '_');
/** Mermaid edge labels end at a newline and must not carry `:` ambiguity or `;`. */
const mermaidText = (s: string) => s.replace(/[;:]/g, ' ').replace(/\s+/g, ' ').trim();

/** Returns a Mermaid `stateDiagram-v2` of the machine. */
export function chartMermaid(machine: AnyStateMachine): string {
  const chart = chartJson(machine);
  const children = new Map<string | null, ChartNode[]>();
  for (const n of chart.nodes) children.set(n.parent, [...(children.get(n.parent) ?? []), n]);
  const lines = ['stateDiagram-v2'];
  const emit = (node: ChartNode, indent: string) => {
    const kids = children.get(node.id) ?? [];
    lines.push(`${indent}state "${node.key}" as ${safe(node.id)}`);
    if (kids.length === 0) {
      if (node.type === 'final') lines.push(`${indent}${safe(node.id)} --> [*]`);
      return;
    }
    lines.push(`${indent}state ${safe(node.id)} {`);
    kids.forEach((k, i) => {
      if (node.type === 'parallel' && i > 0) lines.push(`${indent}  --`);
      emit(k, `${indent}  `);
    });
    if (node.initial) lines.push(`${indent}  [*] --> ${safe(node.initial)}`);
    lines.push(`${indent}}`);
  };
  const root = chart.nodes[0];
  if (root) {
    for (const k of children.get(root.id) ?? []) emit(k, '  ');
    if (root.initial) lines.push(`  [*] --> ${safe(root.initial)}`);
  }
  for (const e of chart.edges) {
    const to = e.targets.length ? e.targets : [e.source];
    for (const t of to) lines.push(`  ${safe(e.source)} --> ${safe(t)} : ${mermaidText(e.label)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Returns a Graphviz DOT digraph of the machine, compound states as clusters. */
export function chartDot(machine: AnyStateMachine): string {
  const chart = chartJson(machine);
  const children = new Map<string | null, ChartNode[]>();
  for (const n of chart.nodes) children.set(n.parent, [...(children.get(n.parent) ?? []), n]);
  const q = (s: string) => JSON.stringify(s);
  const lines = [`digraph ${q(chart.id)} {`, '  compound=true;', '  node [shape=box, style=rounded];'];
  const emit = (node: ChartNode, indent: string) => {
    const kids = children.get(node.id) ?? [];
    if (kids.length === 0) {
      lines.push(`${indent}${q(node.id)} [label=${q(node.key)}${node.type === 'final' ? ', peripheries=2' : ''}];`);
      return;
    }
    lines.push(`${indent}subgraph ${q(`cluster_${node.id}`)} {`, `${indent}  label=${q(`${node.key}${node.type === 'parallel' ? ' (parallel)' : ''}`)};`);
    // A cluster cannot be an edge end in DOT: an invisible anchor node stands for it.
    lines.push(`${indent}  ${q(node.id)} [shape=point, style=invis];`);
    for (const k of kids) emit(k, `${indent}  `);
    lines.push(`${indent}}`);
  };
  const root = chart.nodes[0];
  if (root) for (const k of children.get(root.id) ?? []) emit(k, '  ');
  for (const e of chart.edges) {
    const to = e.targets.length ? e.targets : [e.source];
    for (const t of to) lines.push(`  ${q(e.source)} -> ${q(t)} [label=${q(e.label)}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Returns the chart in `format`. */
export function exportChart(machine: AnyStateMachine, format: ChartFormat): string {
  switch (format) {
    case 'mermaid':
      return chartMermaid(machine);
    case 'dot':
      return chartDot(machine);
    case 'json':
      return `${JSON.stringify(chartJson(machine), null, 2)}\n`;
  }
}
