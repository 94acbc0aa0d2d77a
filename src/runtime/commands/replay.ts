/**
 * `gridbot replay FILE.jsonl [--port N] [--host H]`: serves the inspector page over a recording made
 * with `gridbot run --record FILE.jsonl`, with a timeline to step forwards and backwards through
 * the session. Runs until SIGINT/SIGTERM. Exit codes: 0 ok, 2 bad arguments or not a recording.
 */
import { parseArgs } from 'node:util';
import { RecordingError, startReplay } from '../inspector/index.js';
import { listenErrorText } from '../../sim/index.js';

export const REPLAY_USAGE = `usage: gridbot replay FILE.jsonl [--port N] [--host H]

  --port N   port of the page (default 8787; 0: any free port)
  --host H   address to listen on (default 127.0.0.1)

example: gridbot run --record session.jsonl --duration 60 && gridbot replay session.jsonl
`;

export async function replayCommand(args: readonly string[], signal?: AbortSignal): Promise<number> {
  let values: { port?: string | undefined; host?: string | undefined; help?: boolean | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...args],
      options: { port: { type: 'string', short: 'p' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    }));
  } catch (e) {
    process.stderr.write(`gridbot replay: ${e instanceof Error ? e.message : String(e)}\n${REPLAY_USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(REPLAY_USAGE);
    return 0;
  }
  const file = positionals[0];
  const port = Number(values.port ?? 8787);
  if (file === undefined || positionals.length > 1 || !Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`gridbot replay: ${file === undefined ? 'which recording?' : `bad arguments`}\n${REPLAY_USAGE}`);
    return 2;
  }
  let replay;
  try {
    replay = await startReplay({ file, port, host: values.host ?? '127.0.0.1' });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (e instanceof RecordingError || code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'EADDRINUSE') {
      process.stderr.write(`gridbot replay: ${listenErrorText(e, '--port N') ?? (e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
  process.stdout.write(`gridbot replay: ${replay.count} records of ${file} on ${replay.url} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
    signal?.addEventListener('abort', done, { once: true });
  });
  await replay.close();
  return 0;
}
