/**
 * `--record FILE.jsonl`: one inspector record per line, as the collector produced them live, with
 * every event's payload (the decoded frames and REST results the actors saw). Written on the
 * inspector's timer in one `write` per tick, never from inside an actor's transition.
 *
 * `readRecording` reads it back for `gridbot replay`; a truncated last line (the process was
 * killed mid-write) is skipped, any other bad line is an error naming the line.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { InspectorRecord } from './records.js';

export class RecordingError extends Error {
  override readonly name = 'RecordingError';
}

export interface RecordingWriter {
  write(records: readonly InspectorRecord[]): void;
  close(): Promise<void>;
}

/** Opens `file` for writing (truncating it) and resolves once it is open. @throws the open error (ENOENT, EACCES…). */
export async function openRecording(file: string): Promise<RecordingWriter> {
  const stream: WriteStream = createWriteStream(file, { flags: 'w' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  let failed: Error | null = null;
  stream.on('error', (e) => {
    failed = e;
  });
  return {
    write(records) {
      if (records.length === 0 || failed) return;
      let text = '';
      for (const r of records) text += `${JSON.stringify(r)}\n`;
      stream.write(text);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        stream.end(() => (failed ? reject(failed) : resolve()));
      }),
  };
}

/** Returns the records of a recording. @throws RecordingError for a file that is not one. */
export async function readRecording(file: string): Promise<InspectorRecord[]> {
  const text = await readFile(file, 'utf8');
  const lines = text.split('\n');
  const out: InspectorRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      if (i >= lines.length - 2 && !text.endsWith('\n')) break; // a torn last line
      throw new RecordingError(`${file}:${i + 1}: not JSON`);
    }
    if (!rec || typeof rec !== 'object' || typeof (rec as { k?: unknown }).k !== 'string' || typeof (rec as { t?: unknown }).t !== 'number') {
      throw new RecordingError(`${file}:${i + 1}: not an inspector record`);
    }
    out.push(rec as InspectorRecord);
  }
  if (out[0]?.k !== 'hello') throw new RecordingError(`${file}: not a gridbot recording (no hello line)`);
  return out;
}
