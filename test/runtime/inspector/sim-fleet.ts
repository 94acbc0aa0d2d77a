/** A small fleet on the embedded simulator for inspector tests: markets.yaml text for `parseConfig`. */

/** Returns a config of one arithmetic grid per `[market, step]`, 4 levels a side, on the simulator (seed 7). */
export function simFleetYaml(botId: string, grids: readonly (readonly [string, string])[]): string {
  // YAML takes JSON as flow style: one line per grid.
  const grid = ([market, step]: readonly [string, string]) =>
    `  - ${JSON.stringify({ market, spacing: 'arithmetic', ladder: { center: 'last', levelsPerSide: 4, step }, amountPerLevel: { quote: '60' }, killSwitch: { timeout: 30 } })}`;
  return ['exchange: sim', `botId: ${botId}`, 'logLevel: silent', 'sim:', '  seed: 7', 'grids:', ...grids.map(grid), ''].join('\n');
}
