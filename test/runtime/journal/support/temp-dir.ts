/**
 * The journal tests' working directory: a fresh temporary directory for each test of the file that
 * calls it, removed after the test once the cleanups registered during it have run (last first:
 * a journal is closed before its file goes) and real timers are back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';

export interface TempDir {
  /** The path of `name` in this test's directory. */
  path(name: string): string;
  /** Runs each of `fs` after this test, the last registered first, before the directory is removed. */
  cleanup(...fs: (() => void)[]): void;
}

export function tempDirPerTest(prefix: string): TempDir {
  let dir = '';
  const cleanups: (() => void)[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
    vi.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    path: (name) => join(dir, name),
    cleanup: (...fs) => {
      cleanups.push(...fs);
    },
  };
}
