/**
 * The `--sweep` spec of `gridbot backtest`: `step=A..B:S,levelsPerSide=X..Y` → every combination
 * (the cartesian product), each a `GridOverride` for one backtest run.
 *
 * Grammar: axes separated by commas, each `name=value` or `name=from..to[:by]`, each name at most
 * once. `step` is a decimal (a quote amount or a percent, as markets.yaml's step) and its range
 * needs `:S` (a decimal range has no natural increment); `levelsPerSide` is a whole number and its
 * increment defaults to 1. Values are exact: `0.1..0.3:0.1` is 0.1, 0.2, 0.3 (Decimal, not float).
 */
import { MAX_LEVELS, parseDecimal, toPlain } from '../grid/index.js';
import type { GridOverride } from '../backtest/api.js';

/** A sweep larger than this is refused: it is almost certainly a typo in a range. */
export const MAX_COMBINATIONS = 1_000;

/** The swept axes; an absent axis keeps the config's value. */
export interface SweepSpec {
  /** Step values as decimal text, ascending; null when not swept. */
  readonly step: readonly string[] | null;
  readonly levelsPerSide: readonly number[] | null;
}

/** A `--sweep` value that cannot be read; `message` says which part and why. */
export class SweepSpecError extends Error {
  override readonly name = 'SweepSpecError';
}

const AXES = ['step', 'levelsPerSide'] as const;
type Axis = (typeof AXES)[number];

function range(axis: Axis, text: string): { from: string; to: string; by: string | null } {
  const m = /^([^.:]+(?:\.[^.:]+)?)(?:\.\.([^:]+)(?::(.+))?)?$/.exec(text);
  if (!m) throw new SweepSpecError(`${axis}=${text}: expected a value or from..to[:by], e.g. ${axis === 'step' ? 'step=50..150:25' : 'levelsPerSide=5..10'}`);
  const from = m[1] as string;
  if (m[2] === undefined) return { from, to: from, by: null };
  return { from, to: m[2], by: m[3] ?? null };
}

function stepValues(text: string): string[] {
  const r = range('step', text);
  const num = (v: string, what: string) => {
    const d = parseDecimal(v);
    if (d === null || !d.gt(0)) throw new SweepSpecError(`step=${text}: ${what} '${v}' is not a positive decimal`);
    return d;
  };
  const from = num(r.from, 'from');
  const to = num(r.to, 'to');
  if (r.to !== r.from && r.by === null)
    throw new SweepSpecError(`step=${text}: a step range needs an increment, e.g. step=${r.from}..${r.to}:${toPlain(to.minus(from).div(4))}`);
  if (to.lt(from)) throw new SweepSpecError(`step=${text}: from ${r.from} is above to ${r.to}`);
  if (r.by === null) return [toPlain(from)];
  const by = num(r.by, 'increment');
  const count = to.minus(from).div(by).floor().plus(1);
  if (count.gt(MAX_COMBINATIONS)) throw new SweepSpecError(`step=${text}: ${count.toString()} values, more than ${MAX_COMBINATIONS}`);
  const out: string[] = [];
  for (let v = from; v.lte(to); v = v.plus(by)) out.push(toPlain(v));
  return out;
}

function levelValues(text: string): number[] {
  const r = range('levelsPerSide', text);
  const int = (v: string, what: string, min: number): number => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > MAX_LEVELS) {
      throw new SweepSpecError(`levelsPerSide=${text}: ${what} '${v}' is not a whole number from ${min} to ${MAX_LEVELS}`);
    }
    return Number(v);
  };
  const from = int(r.from, 'from', 1);
  const to = int(r.to, 'to', 1);
  const by = r.by === null ? 1 : int(r.by, 'increment', 1);
  if (to < from) throw new SweepSpecError(`levelsPerSide=${text}: from ${from} is above to ${to}`);
  const out: number[] = [];
  for (let v = from; v <= to; v += by) out.push(v);
  return out;
}

/** Reads a `--sweep` value. @throws SweepSpecError */
export function parseSweepSpec(text: string): SweepSpec {
  const seen = new Map<Axis, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    if (eq < 0 || name === '') throw new SweepSpecError(`'${part}': expected name=values, one of ${AXES.join(', ')}`);
    if (!(AXES as readonly string[]).includes(name)) throw new SweepSpecError(`'${name}' cannot be swept: the axes are ${AXES.join(', ')}`);
    if (seen.has(name as Axis)) throw new SweepSpecError(`${name} is given twice`);
    seen.set(name as Axis, part.slice(eq + 1).trim());
  }
  const stepText = seen.get('step');
  const levelsText = seen.get('levelsPerSide');
  const spec: SweepSpec = {
    step: stepText === undefined ? null : stepValues(stepText),
    levelsPerSide: levelsText === undefined ? null : levelValues(levelsText),
  };
  const n = (spec.step?.length ?? 1) * (spec.levelsPerSide?.length ?? 1);
  if (n > MAX_COMBINATIONS) throw new SweepSpecError(`${n} combinations, more than ${MAX_COMBINATIONS}: narrow a range or widen its increment`);
  return spec;
}

/** Every combination of the spec, step-major (each step with every levelsPerSide). */
export function sweepCombinations(spec: SweepSpec): GridOverride[] {
  const steps: (string | undefined)[] = spec.step ? [...spec.step] : [undefined];
  const levels: (number | undefined)[] = spec.levelsPerSide ? [...spec.levelsPerSide] : [undefined];
  return steps.flatMap((step) =>
    levels.map((levelsPerSide) => ({ ...(step !== undefined ? { step } : {}), ...(levelsPerSide !== undefined ? { levelsPerSide } : {}) })),
  );
}
