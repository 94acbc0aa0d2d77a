/**
 * A recording of stamped frames that leaves nothing on the JS heap per frame: the bytes are copied
 * into one growing off-heap buffer, the times into a `BigInt64Array`, and `entries` turns them back
 * into `{ t, data }` (views of the tape) after the window.
 *
 * Why: the probe used to keep each frame `ws` emitted (a Buffer object and a `{ t, data }` record
 * per frame, ~4 frames per fill) for the whole measured window. Those objects outlived every
 * scavenge of the window, so each was copied once in the young generation and once into the old
 * one: a part of the promoted bytes and scavenge pauses the bench reported as the bot's, in every
 * row (issue 13). A copy into the tape costs a memcpy of the frame; the frame itself dies young.
 *
 * Entry point: `FrameTape` (`push`, `entries`, `clear`). Invariant: `entries()` views stay valid
 * until the next `push` or `clear`.
 */

export interface TapeEntry {
  readonly t: bigint;
  readonly data: Buffer;
}

/** The tape's first size: a measured window of a few seconds at 1,000 fills/s fits without growing. */
const FIRST_BYTES = 8 << 20;
const FIRST_FRAMES = 1 << 15;

export class FrameTape {
  private bytes: Buffer | null = null;
  private ends = new Int32Array(0);
  private times = new BigInt64Array(0);
  private used = 0;
  private n = 0;

  get length(): number {
    return this.n;
  }

  /** Forgets every frame and releases the tape (its memory is not held between windows). */
  clear(): void {
    this.bytes = null;
    this.ends = new Int32Array(0);
    this.times = new BigInt64Array(0);
    this.used = 0;
    this.n = 0;
  }

  /** Records `data` (a Buffer, an array of Buffers, an ArrayBuffer or a string) stamped `t`. */
  push(t: bigint, data: unknown): void {
    if (Buffer.isBuffer(data)) this.append(data);
    else if (Array.isArray(data)) for (const part of data as Buffer[]) this.append(part);
    else if (data instanceof ArrayBuffer) this.append(new Uint8Array(data));
    else this.append(Buffer.from(String(data), 'utf8'));
    if (this.n === this.times.length) this.growFrames();
    this.times[this.n] = t;
    this.ends[this.n] = this.used;
    this.n += 1;
  }

  /** The recorded frames, in order (views of the tape). */
  entries(): TapeEntry[] {
    const out: TapeEntry[] = [];
    const bytes = this.bytes ?? Buffer.alloc(0);
    let start = 0;
    for (let i = 0; i < this.n; i += 1) {
      const end = this.ends[i] ?? start;
      out.push({ t: this.times[i] ?? 0n, data: bytes.subarray(start, end) });
      start = end;
    }
    return out;
  }

  private append(part: Uint8Array): void {
    const need = this.used + part.length;
    if (this.bytes === null || need > this.bytes.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(FIRST_BYTES, need * 2, (this.bytes?.length ?? 0) * 2));
      this.bytes?.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    this.bytes.set(part, this.used);
    this.used = need;
  }

  private growFrames(): void {
    const size = Math.max(FIRST_FRAMES, this.times.length * 2);
    const times = new BigInt64Array(size);
    times.set(this.times);
    const ends = new Int32Array(size);
    ends.set(this.ends);
    this.times = times;
    this.ends = ends;
  }
}
