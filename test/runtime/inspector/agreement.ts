/**
 * The rule the replay tests hold the inspector to (issue 17): a market never acts on a connection
 * state the connection is not in. Up: no market waits `reconnecting`. Down: no market runs or
 * reconciles (both need the socket).
 */

/** Returns what disagrees, or null. `connection` is the connection's row state (`connection.open.idle`, `backoff`). */
export function disagreement(connection: string | null, markets: readonly (readonly [string, string])[]): string | null {
  if (connection === null || connection === 'stopped' || connection === '') return null;
  const up = connection.startsWith('connection.open');
  for (const [id, state] of markets) {
    if (up && state === 'reconnecting') return `${id} reconnecting while the connection is ${connection}`;
    if (!up && (state.startsWith('running') || state.startsWith('reconciling'))) return `${id} ${state} while the connection is ${connection}`;
  }
  return null;
}
