/**
 * The three notification formats, and their secrets read from the environment.
 *
 * - `webhook`: POST `url` with a JSON body `{ source, botId, event, text, ...the event's fields }`;
 *   `Authorization` from `authHeaderEnv` when set.
 * - `telegram`: POST `{apiBase}/bot{token}/sendMessage` with `{ chat_id, text }` (Bot API).
 * - `discord`: POST the webhook URL with `{ content }` (at most 2000 characters, Discord's limit).
 *
 * Secrets live in {@link Secret}s and are only revealed to build a request; a target is named in logs
 * by its label (`telegram#1`), never by a URL, since Telegram's and Discord's URLs carry the secret.
 * Entry points: {@link resolveTargets} (at start), {@link buildRequest}.
 */
import type { ConfigIssue } from '../config/config-error.js';
import { Secret } from '../config/credentials.js';
import type { NotifyConfig, NotifyTargetSpec } from '../config/notify-schema.js';
import type { Position } from '../config/yaml-tree.js';
import { type NotifyEvent, messageText } from './messages.js';

/** Discord refuses a message longer than this. */
export const DISCORD_MAX_CHARS = 2000;
/** Telegram's sendMessage limit. */
export const TELEGRAM_MAX_CHARS = 4096;

export type ResolvedTarget =
  | { readonly kind: 'webhook'; readonly label: string; readonly url: string; readonly auth: Secret | null }
  | { readonly kind: 'telegram'; readonly label: string; readonly token: Secret; readonly chatId: string; readonly apiBase: string }
  | { readonly kind: 'discord'; readonly label: string; readonly url: Secret };

export interface HttpRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The targets, or one issue per variable missing from the environment (file:line:col of its target). */
export type ResolveResult =
  { readonly ok: true; readonly targets: readonly ResolvedTarget[] } | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/** Reads every target's secret from `env`; a missing or blank variable is an issue naming it (never a value). */
export function resolveTargets(notify: NotifyConfig, env: NodeJS.ProcessEnv, file: string, positions: readonly Position[] = []): ResolveResult {
  const issues: ConfigIssue[] = [];
  const targets: ResolvedTarget[] = [];
  notify.targets.forEach((t, i) => {
    const label = `${t.kind}#${i + 1}`;
    const read = (name: string, field: string): Secret | null => {
      const v = env[name]?.trim() ?? '';
      if (v !== '') return new Secret(v);
      const at = positions[i];
      issues.push({
        file,
        line: at?.line ?? null,
        column: at?.column ?? null,
        field: `notify.targets[${i}].${field}`,
        message: `names ${name}, which is not set in the environment (secrets are never read from markets.yaml)`,
      });
      return null;
    };
    const r = resolveOne(t, label, read);
    if (r !== null) targets.push(r);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, targets };
}

function resolveOne(t: NotifyTargetSpec, label: string, read: (name: string, field: string) => Secret | null): ResolvedTarget | null {
  switch (t.kind) {
    case 'webhook': {
      const auth = t.authHeaderEnv === null ? null : read(t.authHeaderEnv, 'authHeaderEnv');
      return t.authHeaderEnv !== null && auth === null ? null : { kind: 'webhook', label, url: t.url, auth };
    }
    case 'telegram': {
      const token = read(t.tokenEnv, 'tokenEnv');
      return token === null ? null : { kind: 'telegram', label, token, chatId: t.chatId, apiBase: t.apiBase };
    }
    case 'discord': {
      const url = read(t.urlEnv, 'urlEnv');
      return url === null ? null : { kind: 'discord', label, url };
    }
  }
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** Returns the HTTP request that delivers `event` to `target`. */
export function buildRequest(target: ResolvedTarget, botId: string, event: NotifyEvent): HttpRequest {
  const text = messageText(botId, event);
  switch (target.kind) {
    case 'webhook': {
      const { kind, ...fields } = event;
      return {
        url: target.url,
        headers: target.auth === null ? JSON_HEADERS : { ...JSON_HEADERS, authorization: target.auth.reveal() },
        body: JSON.stringify({ source: 'gridbot', botId, event: kind, text, ...fields }),
      };
    }
    case 'telegram':
      return {
        url: `${target.apiBase}/bot${target.token.reveal()}/sendMessage`,
        headers: JSON_HEADERS,
        body: JSON.stringify({ chat_id: target.chatId, text: clip(text, TELEGRAM_MAX_CHARS), disable_web_page_preview: true }),
      };
    case 'discord':
      return { url: target.url.reveal(), headers: JSON_HEADERS, body: JSON.stringify({ content: clip(text, DISCORD_MAX_CHARS) }) };
  }
}

/** Returns `text` with every secret of `target` replaced, for a log line built from an error. */
export function redact(target: ResolvedTarget, text: string): string {
  const secrets = target.kind === 'webhook' ? (target.auth ? [target.auth] : []) : target.kind === 'telegram' ? [target.token] : [target.url];
  let out = text;
  for (const s of secrets) out = out.split(s.reveal()).join('[redacted]');
  return out;
}
