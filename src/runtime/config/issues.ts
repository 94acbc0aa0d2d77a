/**
 * Turns zod issues into ConfigIssues: the field path as written in the YAML, the position of the
 * offending node, and a message that says what is expected and what was found.
 *
 * Leaf schemas (fields.ts) put an expectation in each issue's message; this module adds the
 * framing ("must be X, got Y" / "is missing; expected X"). Custom issues marked `sentence` are
 * complete already. Unknown keys get one issue each, at the key, with a "did you mean".
 */
import type { z } from 'zod';
import type { ConfigIssue } from './config-error.js';
import { KEYS_PREFIX } from './fields.js';
import { isSecretKey } from './secret-keys.js';
import { YamlNumber, type FieldPath, type Position } from './yaml-tree.js';

export type Locate = (path: FieldPath, at?: 'key' | 'value') => Position;

/** Returns the field path as YAML readers write it: `grids[1].killSwitch.timeout`. */
export function fieldName(path: FieldPath): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const s = String(seg);
      out += /^[A-Za-z_][\w-]*$/.test(s) ? (out === '' ? s : `.${s}`) : `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

/** Returns the raw value at `path`, or undefined when a step is missing. */
export function valueAt(tree: unknown, path: FieldPath): unknown {
  let v: unknown = tree;
  for (const seg of path) {
    if (v === null || typeof v !== 'object' || v instanceof YamlNumber) return undefined;
    if (!Object.prototype.hasOwnProperty.call(v, seg)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/** Describes a found value for "got ..."; long strings are cut so a pasted blob is not echoed whole. */
export function describe(v: unknown): string {
  if (v instanceof YamlNumber) return v.source;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : `a list of ${v.length}`;
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

/** Returns the known key closest to `key` when it is plausibly a typo of it. */
export function suggest(key: string, known: readonly string[]): string | null {
  const lower = key.toLowerCase();
  let best: { k: string; d: number } | null = null;
  for (const k of known) {
    const d = k.toLowerCase() === lower ? 0 : distance(lower, k.toLowerCase());
    if (best === null || d < best.d) best = { k, d };
  }
  return best !== null && best.d <= Math.max(1, Math.min(3, Math.floor(key.length / 3))) ? best.k : null;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** Returns the ConfigIssues for one zod issue (several for an unknown-keys issue). */
export function translateIssue(issue: z.core.$ZodIssue, tree: unknown, locate: Locate, file: string): ConfigIssue[] {
  const path = issue.path as FieldPath;
  const make = (p: FieldPath, message: string, at: 'key' | 'value' = 'value'): ConfigIssue => {
    const { line, column } = locate(p, at);
    return { file, line, column, field: fieldName(p), message };
  };
  if (issue.code === 'unrecognized_keys') {
    const known = issue.message.startsWith(KEYS_PREFIX) ? issue.message.slice(KEYS_PREFIX.length).split(', ') : [];
    return issue.keys
      .filter((k) => !isSecretKey(k))
      .map((k) => {
        const guess = suggest(k, known);
        const hint = guess !== null ? `; did you mean ${guess}?` : '';
        return make([...path, k], `unknown key${hint} (allowed here: ${known.join(', ')})`, 'key');
      });
  }
  if (issue.code === 'custom' && issue.params?.['sentence'] === true) return [make(path, issue.message)];
  if (issue.code === 'invalid_key') {
    const expected = issue.issues[0]?.message ?? 'a valid key';
    return [make(path, `key must be ${expected}, got ${JSON.stringify(String(path.at(-1)))}`, 'key')];
  }
  const found = valueAt(tree, path);
  const parent = valueAt(tree, path.slice(0, -1));
  const missing = found === undefined && path.length > 0 && parent !== undefined;
  return [make(path, missing ? `is missing; expected ${issue.message}` : `must be ${issue.message}, got ${describe(found)}`)];
}
