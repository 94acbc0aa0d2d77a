/**
 * A machine's state value as one line of text, every region included:
 * `{ lifecycle: { running: 'trading' }, killSwitch: { armed: 'waiting' } }` →
 * `lifecycle.running.trading | killSwitch.armed.waiting`.
 */

/** Returns the state value as text; regions joined by ` | ` in their declared order. */
export function stateText(value: unknown): string {
  const paths: string[] = [];
  collect(value, '', paths);
  return paths.join(' | ');
}

function collect(value: unknown, prefix: string, out: string[]): void {
  if (typeof value === 'string') {
    out.push(prefix === '' ? value : `${prefix}.${value}`);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0 && prefix !== '') out.push(prefix);
  for (const [k, v] of entries) collect(v, prefix === '' ? k : `${prefix}.${k}`, out);
}
