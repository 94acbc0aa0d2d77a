import type { AnyStateMachine, InspectionEvent } from 'xstate';
import { type ChartEdge, chartEdges, edgeKeyOf } from '../../src/machines/chart-edges.js';

/**
 * Records which of a machine's chart edges real actors took, through XState's inspection stream
 * (`@xstate.microstep` carries the transition definitions that fired).
 */
export class TransitionCoverage {
  readonly edges: ChartEdge[];
  private readonly hit = new Set<string>();

  constructor(machine: AnyStateMachine) {
    this.edges = chartEdges(machine);
  }

  /** Pass as `createActor(machine, { inspect: coverage.inspect })`. */
  readonly inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.microstep') return;
    for (const t of event._transitions) {
      const key = edgeKeyOf(t);
      if (key) this.hit.add(key);
    }
  };

  /** Returns `covered/total` for a note or a log line. */
  ratio(): string {
    return `${this.covered().length}/${this.edges.length}`;
  }

  covered(): string[] {
    return this.edges.filter((e) => this.hit.has(e.key)).map((e) => e.key);
  }

  missing(): string[] {
    return this.edges.filter((e) => !this.hit.has(e.key)).map((e) => e.key);
  }
}
