/**
 * One line for a server that could not listen, naming the option that picks another address.
 * Shared by every server gridbot opens (the simulator's, the inspector's, the metrics'): a raw
 * `listen EADDRINUSE: address already in use 127.0.0.1:8787` does not say which flag to change.
 */

/** The listen errors a user can fix with an option; anything else is not one of them. */
const HINTS: Readonly<Record<string, (where: string) => string>> = {
  EADDRINUSE: (where) => `${where} is already in use (another gridbot, or another program, listens there)`,
  EACCES: (where) => `${where} needs privileges to listen on (ports below 1024 do)`,
  EADDRNOTAVAIL: (where) => `${where} is not an address of this machine`,
};

/** Returns the one-line reason `e` could not listen, ending with `option`; null when `e` is no listen error. */
export function listenErrorText(e: unknown, option: string): string | null {
  if (typeof e !== 'object' || e === null) return null;
  const { code, address, port, syscall } = e as { code?: unknown; address?: unknown; port?: unknown; syscall?: unknown };
  const hint = typeof code === 'string' ? HINTS[code] : undefined;
  if (hint === undefined || syscall !== 'listen') return null;
  const host = typeof address === 'string' ? (address.includes(':') ? `[${address}]` : address) : 'the address';
  const where = typeof port === 'number' ? `${host}:${port}` : host;
  return `${hint(where)}: choose another with ${option}`;
}
