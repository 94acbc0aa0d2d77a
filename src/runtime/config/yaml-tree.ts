/**
 * markets.yaml as a plain value tree that remembers where each value came from.
 *
 * Entry points: `parseYaml(text)` → the tree plus a `locate(path)` that maps a field path back to
 * its line and column, or the YAML syntax errors with their positions.
 *
 * Why not `doc.toJS()`: YAML numbers would become JS floats and `0.1000000000000000000001` would be
 * silently rounded. Here every number keeps its source text (`YamlNumber`), so decimal fields take
 * the text exactly as written and integer fields take the value; money never passes through a float.
 *
 * Hazards handled: aliases are resolved with a depth cap (an alias may point into its own
 * collection), and keys are defined as own properties so `__proto__` cannot change a prototype.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

/** A YAML number with the text it was written as. */
export class YamlNumber {
  constructor(
    /** The scalar exactly as written, e.g. `0.10` or `1e3`. */
    readonly source: string,
    readonly value: number,
  ) {}
}

/** A field path: object keys and array indices. */
export type FieldPath = readonly PropertyKey[];

export interface Position {
  readonly line: number;
  readonly column: number;
}

export type YamlParse =
  | { readonly ok: true; readonly tree: unknown; readonly locate: (path: FieldPath, at?: 'key' | 'value') => Position }
  | { readonly ok: false; readonly errors: readonly { readonly message: string; readonly position: Position }[] };

/** Deeper or larger than any sensible markets.yaml: stops runaway nesting and alias bombs. */
const MAX_DEPTH = 64;
const MAX_NODES = 100_000;

/** Returns the document's value tree and a locator, or its syntax errors. Never throws. */
export function parseYaml(text: string): YamlParse {
  const lineCounter = new LineCounter();
  // prettyErrors off: messages without the source excerpt; positions come from the line counter.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ message: e.message.replace(/\s+/g, ' ').trim(), position: at(e.pos[0]) })),
    };
  }
  let tree: unknown;
  try {
    tree = toTree(doc.contents, doc, 0, { nodes: 0 });
  } catch (e) {
    if (!(e instanceof TreeTooLarge)) throw e;
    return { ok: false, errors: [{ message: e.message, position: at(0) }] };
  }
  return { ok: true, tree, locate: (path, which = 'value') => at(offsetOf(doc, path, which)) };
}

class TreeTooLarge extends Error {
  constructor() {
    super(`the document nests deeper than ${MAX_DEPTH} levels or expands to more than ${MAX_NODES} values (through aliases?)`);
  }
}

function toTree(node: unknown, doc: Document, depth: number, count: { nodes: number }): unknown {
  if (depth > MAX_DEPTH || ++count.nodes > MAX_NODES) throw new TreeTooLarge();
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toTree(node.resolve(doc), doc, depth + 1, count);
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number') return new YamlNumber(node.source ?? String(v), v);
    if (typeof v === 'bigint') return new YamlNumber(node.source ?? String(v), Number(v));
    return v;
  }
  if (isSeq(node)) return node.items.map((item) => toTree(item, doc, depth + 1, count));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      Object.defineProperty(out, keyText(pair.key, doc), {
        value: toTree(pair.value, doc, depth + 1, count),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return null;
}

/** The key of a pair as text: `1: x` has the key "1"; a collection as a key becomes its YAML text. */
function keyText(key: unknown, doc: Document): string {
  const k = isAlias(key) ? key.resolve(doc) : key;
  if (isScalar(k)) return isNumber(k.value) ? (k.source ?? String(k.value)) : String(k.value);
  return String(k);
}

function isNumber(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'bigint';
}

/**
 * Returns the source offset of the deepest node on `path`: the value (or the key, with `at: 'key'`)
 * when the whole path exists, else the start of the last collection reached, which is where a
 * missing field belongs.
 */
function offsetOf(doc: Document, path: FieldPath, which: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [i, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key, doc) === String(segment));
      if (!pair) return offset;
      const keyAt = rangeStart(pair.key) ?? offset;
      if (last && which === 'key') return keyAt;
      const valueAt = rangeStart(pair.value);
      // An empty value (`timeout:`) has no source of its own: point at its key.
      offset = valueAt === null || isEmptyScalar(pair.value) ? keyAt : valueAt;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) return offset;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | null {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : null;
}

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && node.source === '';
}
