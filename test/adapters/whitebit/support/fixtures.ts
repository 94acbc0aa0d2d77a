import { readFileSync } from 'node:fs';

/** Returns a fixture's text as stored (for the codec, which decodes text). */
export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

/** Returns a fixture parsed as JSON. */
export function fixture(name: string): unknown {
  return JSON.parse(fixtureText(name)) as unknown;
}
