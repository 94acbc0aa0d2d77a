/**
 * A persistent (immutable) map from integer keys to values, with cheap updates: `set` copies one
 * path of a 32-way trie (7 small arrays) instead of the whole map.
 *
 * Why: the fill ledger keeps every order it has seen, so that a deal delivered again after its order
 * finished is still recognised. Copying a growing `Map` on every fill made the cost of a fill grow
 * with the grid's age (the profile put it at half of the fill → counter-order path). With this map a
 * fill costs the same on day one and day thirty.
 *
 * Iteration order is the trie's (by key hash), not insertion order: callers must not depend on it
 * (the ledger sums, finds by unique id, and counts).
 */

const BITS = 5;
const MASK = (1 << BITS) - 1;
/** 7 levels × 5 bits cover a 32-bit hash; colliding keys share a leaf bucket. */
const DEPTH = 7;

type Bucket<V> = readonly (readonly [number, V])[];
type Node<V> = readonly (Node<V> | Bucket<V> | undefined)[];

/** Mixes both 32-bit halves of an integer key (order ids exceed 2^32). */
function hash(key: number): number {
  const lo = key >>> 0;
  const hi = Math.floor(key / 4294967296) >>> 0;
  return (Math.imul(hi ^ (hi >>> 16), 0x45d9f3b) ^ lo) >>> 0;
}

const index = (h: number, level: number): number => (h >>> (level * BITS)) & MASK;

export class IntMap<V> implements ReadonlyMap<number, V> {
  private static readonly EMPTY = new IntMap<never>(undefined, 0);

  private constructor(
    private readonly root: Node<V> | undefined,
    readonly size: number,
  ) {}

  static empty<V>(): IntMap<V> {
    return IntMap.EMPTY as IntMap<V>;
  }

  static from<V>(entries: Iterable<readonly [number, V]>): IntMap<V> {
    let m = IntMap.empty<V>();
    for (const [k, v] of entries) m = m.set(k, v);
    return m;
  }

  get(key: number): V | undefined {
    const h = hash(key);
    let node: Node<V> | undefined = this.root;
    for (let level = 0; level < DEPTH - 1 && node !== undefined; level++) node = node[index(h, level)] as Node<V> | undefined;
    const bucket = node?.[index(h, DEPTH - 1)] as Bucket<V> | undefined;
    if (bucket === undefined) return undefined;
    for (const [k, v] of bucket) if (k === key) return v;
    return undefined;
  }

  has(key: number): boolean {
    const h = hash(key);
    let node: Node<V> | undefined = this.root;
    for (let level = 0; level < DEPTH - 1 && node !== undefined; level++) node = node[index(h, level)] as Node<V> | undefined;
    const bucket = node?.[index(h, DEPTH - 1)] as Bucket<V> | undefined;
    return bucket !== undefined && bucket.some(([k]) => k === key);
  }

  /** Returns a map with `key` set to `value`; this one is unchanged. */
  set(key: number, value: V): IntMap<V> {
    const h = hash(key);
    let added = false;
    const put = (node: Node<V> | undefined, level: number): Node<V> => {
      const copy = node === undefined ? new Array<Node<V> | Bucket<V> | undefined>(1 << BITS) : node.slice();
      const i = index(h, level);
      if (level === DEPTH - 1) {
        const bucket = (copy[i] as Bucket<V> | undefined) ?? [];
        const at = bucket.findIndex(([k]) => k === key);
        added = at < 0;
        copy[i] = at < 0 ? [...bucket, [key, value]] : bucket.map((e, j) => (j === at ? ([key, value] as const) : e));
      } else {
        copy[i] = put(copy[i] as Node<V> | undefined, level + 1);
      }
      return copy;
    };
    const root = put(this.root, 0);
    return new IntMap(root, added ? this.size + 1 : this.size);
  }

  *entries(): MapIterator<[number, V]> {
    if (this.root === undefined) return;
    // Depth-first, slot order: deterministic for equal contents.
    const walk = function* (node: Node<V>, level: number): Generator<[number, V]> {
      for (const child of node) {
        if (child === undefined) continue;
        if (level === DEPTH - 1) for (const [k, v] of child as Bucket<V>) yield [k, v];
        else yield* walk(child as Node<V>, level + 1);
      }
    };
    yield* walk(this.root, 0);
  }

  *keys(): MapIterator<number> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[number, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: number, map: ReadonlyMap<number, V>) => void): void {
    for (const [k, v] of this.entries()) callback(v, k, this);
  }

  get [Symbol.toStringTag](): string {
    return 'IntMap';
  }
}
