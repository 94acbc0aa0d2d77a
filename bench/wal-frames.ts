/**
 * What the journal's commits write: reads a journal's WAL file frame by frame and prints, per kind of
 * commit (a batch's events alone, a reporting slice, anything else), how many commits and how many
 * WAL frames (pages) each wrote, by table. Why: a commit writes every page it changed whole, with a
 * frame header, into the WAL (a system call or two a page, and its checksum): the commit of a
 * reporting slice was ~60 % writing frames in a perf profile of the bench (50 markets x 1,000
 * fills/s), and a slice of 64 rows rewrites most of the orders and fills pages it touches, one
 * per row or nearly (their keys begin with the market).
 *
 * Keep a bench run's journal with `BENCH_KEEP_JOURNAL=dir` (bench/ours.ts copies the journal and
 * its WAL there before it closes), then:
 *
 *   node dist-bench/bench/wal-frames.js dir/ours-50m.journal
 *
 * Pages are named by the table or index that holds them at the end (SQLite's `dbstat`); page 1
 * (`sqlite_schema`) is written by every commit that grows the file (its header holds the size).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/**
 * The page numbers of each commit in the WAL, in order of the file. The current generation's frames
 * come first (those with the header's salts); after them, what the checkpoint worker's last restart
 * did not overwrite of the generation before (other salts): its commits from the first whole one
 * on, a larger sample of the same run. Frames after a generation's last commit are left out.
 */
function commitsOf(wal: Buffer): number[][] {
  if (wal.length < WAL_HEADER) return [];
  const pageSize = wal.readUInt32BE(8);
  const commits: number[][] = [];
  let salts = `${wal.readUInt32BE(16)}:${wal.readUInt32BE(20)}`;
  let whole = true;
  let pages: number[] = [];
  for (let at = WAL_HEADER; at + FRAME_HEADER + pageSize <= wal.length; at += FRAME_HEADER + pageSize) {
    const frameSalts = `${wal.readUInt32BE(at + 8)}:${wal.readUInt32BE(at + 12)}`;
    if (frameSalts !== salts) {
      // An older generation: its first commit here began in frames the newer one overwrote.
      salts = frameSalts;
      whole = false;
      pages = [];
    }
    pages.push(wal.readUInt32BE(at));
    if (wal.readUInt32BE(at + 4) !== 0) {
      if (whole) commits.push(pages);
      whole = true;
      pages = [];
    }
  }
  return commits;
}

interface Kind {
  commits: number;
  frames: number;
  readonly byTable: Map<string, number>;
}

function main(): void {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: node dist-bench/bench/wal-frames.js JOURNAL (its -wal beside it)');
  const wal = readFileSync(`${file}-wal`);
  // A copy: opening the journal would checkpoint its WAL on close.
  const dir = mkdtempSync(join(tmpdir(), 'gridbot-wal-frames-'));
  try {
    copyFileSync(file, join(dir, 'j'));
    copyFileSync(`${file}-wal`, join(dir, 'j-wal'));
    const db = new BetterSqlite3(join(dir, 'j'));
    const owner = new Map<number, string>();
    for (const r of db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]) owner.set(r.pageno, r.name);
    db.close();
    const kinds = new Map<string, Kind>();
    for (const pages of commitsOf(wal)) {
      const tables = pages.map((p) => owner.get(p) ?? `page ${p}`);
      const kind = tables.every((t) => t === 'events' || t === 'sqlite_schema')
        ? 'events alone'
        : tables.some((t) => t === 'orders' || t === 'fills' || t === 'transitions' || t === 'pnl')
          ? 'reporting slice'
          : 'other';
      let k = kinds.get(kind);
      if (k === undefined) kinds.set(kind, (k = { commits: 0, frames: 0, byTable: new Map() }));
      k.commits += 1;
      k.frames += pages.length;
      for (const t of tables) k.byTable.set(t, (k.byTable.get(t) ?? 0) + 1);
    }
    const frames = [...kinds.values()].reduce((n, k) => n + k.frames, 0);
    console.log(`${file}: ${[...kinds.values()].reduce((n, k) => n + k.commits, 0)} commits, ${frames} frames in the WAL`);
    for (const [name, k] of kinds) {
      const tables = [...k.byTable].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${(n / k.commits).toFixed(2)}`);
      const share = ((100 * k.frames) / frames).toFixed(0);
      console.log(`${name}: ${k.commits} commits, ${(k.frames / k.commits).toFixed(2)} frames each, ${share} % of the frames (${tables.join(', ')})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
