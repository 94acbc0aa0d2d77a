/**
 * WebSocket tokens from /api/v4/profile/websocket_token: opaque, short-lived, each bound to one
 * account. The real lifetime is undocumented; the default here is 10 minutes (configurable).
 */
import { randomBytes } from 'node:crypto';

export class WsTokens {
  private readonly tokens = new Map<string, { accountId: string; expiresMs: number }>();

  constructor(private readonly ttlMs: number) {}

  issue(accountId: string, nowMs: number): string {
    for (const [t, v] of this.tokens) if (v.expiresMs <= nowMs) this.tokens.delete(t);
    const token = randomBytes(24).toString('hex');
    this.tokens.set(token, { accountId, expiresMs: nowMs + this.ttlMs });
    return token;
  }

  /** Returns the account of a live token, or undefined for an unknown or expired one. */
  resolve(token: string, nowMs: number): string | undefined {
    const v = this.tokens.get(token);
    return v && v.expiresMs > nowMs ? v.accountId : undefined;
  }
}
