/**
 * Issue 17: what makes `run` reload. SIGHUP always; with `watch`, a save of the file, including an
 * editor's atomic save (a new file renamed over the old one), which a watch on the file itself would
 * miss from the second save on.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type ReloadCause, type ReloadTriggers, startReloadTriggers } from '../../../src/runtime/reload/reload-triggers.js';

const dir = mkdtempSync(join(tmpdir(), 'gridbot-triggers-'));
let triggers: ReloadTriggers | null = null;
afterEach(() => {
  triggers?.close();
  triggers = null;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the triggers on `file`; `next()` resolves with the next trigger's cause. */
function start(file: string, watch: boolean) {
  const waiting: ((c: ReloadCause) => void)[] = [];
  const seen: ReloadCause[] = [];
  triggers = startReloadTriggers({
    file,
    watch,
    debounceMs: 20,
    onTrigger: (cause) => {
      seen.push(cause);
      waiting.shift()?.(cause);
    },
  });
  return { seen, next: () => new Promise<ReloadCause>((resolve) => waiting.push(resolve)) };
}

describe('reload triggers', () => {
  it('SIGHUP triggers a reload, watch or not, and not after close', () => {
    const file = join(dir, 'hup.yaml');
    const t = start(file, false);
    process.emit('SIGHUP', 'SIGHUP');
    expect(t.seen).toEqual(['SIGHUP']);
    triggers?.close();
    process.emit('SIGHUP', 'SIGHUP');
    expect(t.seen).toEqual(['SIGHUP']);
  });

  it('with watch: an atomic save (rename over the file) triggers, and so does the next one', async () => {
    const file = join(dir, 'markets.yaml');
    writeFileSync(file, 'a');
    const t = start(file, true);
    for (const text of ['b', 'c']) {
      const next = t.next();
      writeFileSync(join(dir, '.markets.yaml.tmp'), text);
      renameSync(join(dir, '.markets.yaml.tmp'), file);
      expect(await next).toBe('file changed');
    }
  });
});
