/**
 * Checks across entries of markets.yaml, run on the raw tree so they report even when other
 * fields are broken (a zod refinement would be skipped then):
 * - one grid per market: two grids on one market would share its orders and its kill-switch;
 * - `sim:` settings only with `exchange: sim`;
 * - `orderEntry: ws` only where the exchange has WebSocket order entry (order-entry-support.ts).
 */
import { type Venue, orderEntryRefusal, venueOf } from '../exchange/order-entry-support.js';
import type { ExchangeKind } from './schema.js';
import type { FieldPath } from './yaml-tree.js';

/** Maps `exchange:` to the platform it means; tests swap it to reach a platform the runtime does not target yet. */
export type VenueOf = (exchange: ExchangeKind) => Venue;

export interface CrossIssue {
  readonly path: FieldPath;
  readonly message: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Returns the cross-entry problems of the tree; none when its shape is too broken to tell. */
export function crossCheck(tree: unknown, venue: VenueOf = venueOf): CrossIssue[] {
  if (!isRecord(tree)) return [];
  const issues: CrossIssue[] = [];
  const grids = tree['grids'];
  if (Array.isArray(grids)) {
    const first = new Map<string, number>();
    grids.forEach((g: unknown, i) => {
      const market = isRecord(g) ? g['market'] : undefined;
      if (typeof market !== 'string') return;
      const seen = first.get(market);
      if (seen === undefined) first.set(market, i);
      else {
        issues.push({
          path: ['grids', i, 'market'],
          message: `duplicate market ${market}: grids[${seen}] already runs it; one grid per market (they would share its orders and kill-switch)`,
        });
      }
    });
  }
  const exchange = tree['exchange'];
  // Only a string exchange is compared: any other value is the schema's to report.
  if (tree['sim'] !== undefined && typeof exchange === 'string' && exchange !== 'sim') {
    issues.push({ path: ['sim'], message: `simulator settings apply only to exchange: sim (this file sets exchange: ${exchange}); remove the sim block` });
  }
  if (tree['paper'] !== undefined && typeof exchange === 'string' && exchange !== 'paper') {
    issues.push({
      path: ['paper'],
      message: `paper trading settings apply only to exchange: paper (this file sets exchange: ${exchange}); remove the paper block`,
    });
  }
  issues.push(...orderEntryIssues(tree, venue));
  return issues;
}

/** `orderEntry: ws` where the exchange has no WebSocket order entry: at each key that asks for it. */
function orderEntryIssues(tree: Record<string, unknown>, venue: VenueOf): CrossIssue[] {
  const exchange = tree['exchange'] ?? 'sim';
  if (exchange !== 'sim' && exchange !== 'whitebit' && exchange !== 'paper') return [];
  const v = venue(exchange);
  const refused = (path: FieldPath, entry: unknown): CrossIssue[] => {
    const why = entry === 'ws' ? orderEntryRefusal(v, 'ws') : null;
    return why === null ? [] : [{ path, message: why }];
  };
  const issues = refused(['orderEntry'], tree['orderEntry']);
  const grids = tree['grids'];
  if (Array.isArray(grids)) grids.forEach((g: unknown, i) => isRecord(g) && issues.push(...refused(['grids', i, 'orderEntry'], g['orderEntry'])));
  return issues;
}
