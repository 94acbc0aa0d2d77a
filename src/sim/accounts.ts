/**
 * Spot balances per account and asset (`available` / `freeze`) and the fees the exchange collected.
 *
 * Invariant (checked by the property tests): for every asset, the sum over accounts of
 * available + freeze, plus the fees collected, only changes through `deposit`. Every other method
 * moves value between those buckets, and none lets a bucket go negative: they throw instead, because
 * a negative balance is an engine bug, never a user error (the engine checks funds before moving them).
 */
import { D, ZERO, type Dec } from './decimal.js';

export interface Balance {
  available: Dec;
  freeze: Dec;
}

/** API credentials and opening balances of one account. */
export interface AccountSpec {
  /** Account id used in events and state; defaults to the API key. */
  id?: string;
  apiKey: string;
  apiSecret: string;
  /** Asset -> amount (decimal string). */
  balances?: Record<string, string>;
}

export class Ledger {
  private readonly accounts = new Map<string, Map<string, Balance>>();
  private readonly fees = new Map<string, Dec>();
  /** Assets whose balance changed per account since the last `drainTouched`. */
  private touched = new Map<string, Set<string>>();

  /** Creates the account if needed (an account with no funds is still an account). */
  open(accountId: string): void {
    if (!this.accounts.has(accountId)) this.accounts.set(accountId, new Map());
  }

  has(accountId: string): boolean {
    return this.accounts.has(accountId);
  }

  /** Adds funds from outside the exchange (configuration). */
  deposit(accountId: string, asset: string, amount: Dec): void {
    this.bucket(accountId, asset).available = this.bucket(accountId, asset).available.plus(amount);
    this.touch(accountId, asset);
  }

  /** Moves `amount` from available to freeze (placing an order). */
  freeze(accountId: string, asset: string, amount: Dec): void {
    const b = this.bucket(accountId, asset);
    this.ensure(b.available, amount, accountId, asset, 'available');
    b.available = b.available.minus(amount);
    b.freeze = b.freeze.plus(amount);
    this.touch(accountId, asset);
  }

  /** Moves `amount` from freeze back to available (cancel, or a taker's price improvement). */
  unfreeze(accountId: string, asset: string, amount: Dec): void {
    const b = this.bucket(accountId, asset);
    this.ensure(b.freeze, amount, accountId, asset, 'freeze');
    b.freeze = b.freeze.minus(amount);
    b.available = b.available.plus(amount);
    this.touch(accountId, asset);
  }

  /** Removes `amount` from freeze: it leaves this account in a trade. */
  spendFrozen(accountId: string, asset: string, amount: Dec): void {
    const b = this.bucket(accountId, asset);
    this.ensure(b.freeze, amount, accountId, asset, 'freeze');
    b.freeze = b.freeze.minus(amount);
    this.touch(accountId, asset);
  }

  /** Credits `gross - fee` to available and books `fee` as collected. */
  receive(accountId: string, asset: string, gross: Dec, fee: Dec): void {
    const b = this.bucket(accountId, asset);
    b.available = b.available.plus(gross.minus(fee));
    this.fees.set(asset, (this.fees.get(asset) ?? ZERO).plus(fee));
    this.touch(accountId, asset);
  }

  /** Returns a copy of one balance (zero when never touched). */
  balance(accountId: string, asset: string): Balance {
    const b = this.accounts.get(accountId)?.get(asset);
    return b ? { available: b.available, freeze: b.freeze } : { available: ZERO, freeze: ZERO };
  }

  /** Returns every asset the account has a bucket for, sorted. */
  assetsOf(accountId: string): string[] {
    return [...(this.accounts.get(accountId)?.keys() ?? [])].sort();
  }

  /** Returns the collected fees per asset. */
  feesCollected(): Map<string, Dec> {
    return new Map(this.fees);
  }

  /** Returns, per asset, the sum of every account's available + freeze plus the collected fees. */
  totals(): Map<string, Dec> {
    const out = new Map<string, Dec>();
    for (const assets of this.accounts.values()) {
      for (const [asset, b] of assets) out.set(asset, (out.get(asset) ?? ZERO).plus(b.available).plus(b.freeze));
    }
    for (const [asset, fee] of this.fees) out.set(asset, (out.get(asset) ?? ZERO).plus(fee));
    return out;
  }

  /** Returns and clears the assets changed per account since the last call. */
  drainTouched(): Map<string, Set<string>> {
    const out = this.touched;
    this.touched = new Map();
    return out;
  }

  private bucket(accountId: string, asset: string): Balance {
    let assets = this.accounts.get(accountId);
    if (!assets) {
      assets = new Map();
      this.accounts.set(accountId, assets);
    }
    let b = assets.get(asset);
    if (!b) {
      b = { available: new D(0), freeze: new D(0) };
      assets.set(asset, b);
    }
    return b;
  }

  private ensure(have: Dec, need: Dec, accountId: string, asset: string, what: string): void {
    if (need.isNegative() || have.lessThan(need)) {
      throw new Error(`ledger: ${accountId} ${asset} ${what} ${have.toFixed()} < ${need.toFixed()}`);
    }
  }

  private touch(accountId: string, asset: string): void {
    let set = this.touched.get(accountId);
    if (!set) {
      set = new Set();
      this.touched.set(accountId, set);
    }
    set.add(asset);
  }
}
