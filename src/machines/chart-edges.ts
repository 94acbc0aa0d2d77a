/**
 * The edges of a machine's chart, read from its definition (`machine.root`), never hand-written.
 * Used to measure model-based test coverage and, later, to export charts.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';

type TransitionDefinition = AnyStateNode['transitions'] extends Map<string, Array<infer T>> ? T : never;

export interface ChartEdge {
  /** `source --event[#i]--> targets`, stable across runs: what coverage reports name. */
  readonly key: string;
  readonly source: string;
  readonly event: string;
  readonly targets: readonly string[];
  readonly guard: string | null;
}

function guardName(t: TransitionDefinition): string | null {
  const g = t.guard as unknown;
  if (!g) return null;
  if (typeof g === 'string') return g;
  if (typeof g === 'object' && g !== null && 'type' in g) return String((g as { type: unknown }).type);
  return 'inline';
}

function keyOf(node: AnyStateNode, event: string, defs: readonly TransitionDefinition[], i: number): string {
  const t = defs[i];
  const targets = (t?.target ?? []).map((n: AnyStateNode) => n.id);
  const suffix = defs.length > 1 ? `#${i}` : '';
  return `${node.id} --${event}${suffix}--> ${targets.length ? targets.join(',') : '(self)'}`;
}

/**
 * Returns the edge key of a transition definition as it appears in an inspection microstep, or null
 * for one that is not on the chart. Keys, not object identity, so a `.provide()`d copy of a machine
 * matches the edges read from the original.
 */
export function edgeKeyOf(t: { source: AnyStateNode; eventType: string }): string | null {
  const def = t as unknown as TransitionDefinition;
  const always = t.source.always as readonly TransitionDefinition[] | undefined;
  if (always?.includes(def)) return keyOf(t.source, 'always', always, always.indexOf(def));
  const defs = t.source.transitions.get(t.eventType) as readonly TransitionDefinition[] | undefined;
  if (!defs?.includes(def)) return null;
  return keyOf(t.source, t.eventType, defs, defs.indexOf(def));
}

function collect(node: AnyStateNode, out: ChartEdge[]): void {
  const add = (event: string, defs: readonly TransitionDefinition[]) => {
    defs.forEach((t, i) => {
      const targets = (t.target ?? []).map((n: AnyStateNode) => n.id);
      out.push({
        key: keyOf(node, event, defs, i),
        source: node.id,
        event,
        targets,
        guard: guardName(t),
      });
    });
  };
  for (const [event, defs] of node.transitions) add(event, defs);
  if (node.always) add('always', node.always);
  for (const child of Object.values(node.states)) collect(child, out);
}

/** Returns every transition of `machine`, eventless (`always`) and delayed (`xstate.after.*`) ones included. */
export function chartEdges(machine: AnyStateMachine): ChartEdge[] {
  const out: ChartEdge[] = [];
  collect(machine.root, out);
  return out;
}
