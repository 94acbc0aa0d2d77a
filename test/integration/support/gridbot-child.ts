/**
 * The `gridbot` command line in a plain `node` child process, run from the TypeScript sources:
 * `node --import test/runtime/journal/support/register-ts.mjs gridbot-child.ts run --config …`.
 * Exits with the command's exit code, like bin/gridbot.js does for the built CLI.
 */
import { main } from '../../../src/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gridbot-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
