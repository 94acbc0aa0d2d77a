/**
 * What makes `gridbot run` reload markets.yaml: `SIGHUP` (what `gridbot reload` sends), and with
 * `--watch` a change of the file on disk.
 *
 * Why the directory is watched, not the file: editors that save atomically write a new file and
 * rename it over the old one, and a watch on the old inode would never fire again. Why debounced:
 * one save is several events (truncate, write, rename), and a half-written file must not be read;
 * the reload validates the whole file anyway, so a file caught mid-write is refused, never applied
 * in part.
 *
 * The watch is off by default: a save in an editor should not move real money by itself; `--watch`
 * opts in, `SIGHUP` and `gridbot reload` are always there.
 *
 * Entry point: {@link startReloadTriggers}. Triggers never overlap a reload: the caller serialises.
 */
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/** How long the file must stay quiet after a change before it is read. */
export const WATCH_DEBOUNCE_MS = 300;

export type ReloadCause = 'SIGHUP' | 'file changed';

export interface ReloadTriggers {
  close(): void;
}

/** Calls `onTrigger` on SIGHUP and, with `watch`, after `file` changed (debounced). */
export function startReloadTriggers(options: {
  readonly file: string;
  readonly watch: boolean;
  readonly onTrigger: (cause: ReloadCause) => void;
  readonly debounceMs?: number;
}): ReloadTriggers {
  const onHup = () => options.onTrigger('SIGHUP');
  process.on('SIGHUP', onHup);
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  if (options.watch) {
    const path = resolve(options.file);
    const name = basename(path);
    watcher = watch(dirname(path), (_event, changed) => {
      if (changed !== null && changed.toString() !== name) return;
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        options.onTrigger('file changed');
      }, options.debounceMs ?? WATCH_DEBOUNCE_MS);
    });
  }
  return {
    close: () => {
      process.off('SIGHUP', onHup);
      watcher?.close();
      if (timer !== null) clearTimeout(timer);
    },
  };
}
