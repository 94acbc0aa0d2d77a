/**
 * `gridbot chart <market|connection|supervisor> [--format mermaid|dot|json]`: prints a machine's
 * chart, walked from its definition, for docs and debugging (paste Mermaid into any renderer,
 * pipe DOT into `dot -Tsvg`).
 */
import { parseArgs } from 'node:util';
import type { AnyStateMachine } from 'xstate';
import { type ChartFormat, exportChart } from '../../machines/chart-export.js';
import { connectionMachine } from '../../machines/connection/connection.machine.js';
import { marketMachine } from '../../machines/market/market.machine.js';
import { supervisorMachine } from '../supervisor/supervisor.machine.js';

export const CHART_USAGE = `usage: gridbot chart <market|connection|supervisor> [--format mermaid|dot|json]

example: gridbot chart market --format dot | dot -Tsvg > market.svg
`;

const MACHINES: Record<string, AnyStateMachine> = {
  market: marketMachine,
  connection: connectionMachine,
  supervisor: supervisorMachine,
};
const FORMATS: readonly ChartFormat[] = ['mermaid', 'dot', 'json'];

export async function chartCommand(args: readonly string[]): Promise<number> {
  let values: { format?: string | undefined; help?: boolean | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...args],
      options: { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    }));
  } catch (e) {
    process.stderr.write(`gridbot chart: ${e instanceof Error ? e.message : String(e)}\n${CHART_USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(CHART_USAGE);
    return 0;
  }
  const name = positionals[0];
  const machine = name === undefined ? undefined : MACHINES[name];
  const format = (values.format ?? 'mermaid') as ChartFormat;
  if (machine === undefined || positionals.length > 1 || !FORMATS.includes(format)) {
    const what = machine === undefined ? `which machine? (${Object.keys(MACHINES).join(', ')})` : `--format must be one of ${FORMATS.join(', ')}`;
    process.stderr.write(`gridbot chart: ${what}\n${CHART_USAGE}`);
    return 2;
  }
  process.stdout.write(exportChart(machine, format));
  return 0;
}
