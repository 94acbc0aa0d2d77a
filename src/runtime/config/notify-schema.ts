/**
 * markets.yaml `notify:`: where gridbot sends what an operator must hear of (a market stopped, a risk
 * limit hit, levels waiting for price too long, a reconnect storm, a daily summary per grid).
 *
 * Targets are one strict mapping told apart by `kind` (webhook | telegram | discord), checked key by
 * key, so an error names the key that is wrong rather than "no variant matched" (as the ladder does in
 * schema.ts). Every secret (the Telegram bot token, the Discord webhook URL, a webhook's
 * `Authorization` header) is named by the environment variable that holds it (`…Env`), never written
 * in the file; runtime/notify/targets.ts reads the variables when `run` starts.
 */
import { z } from 'zod';
import { SENTENCE, int, oneOf, strict, text } from './fields.js';

export const NOTIFY_DEFAULTS = {
  /** Seconds a grid may have levels waiting for price before it is told (as `/health`'s default). */
  waitingForPriceAfterSec: 600,
  /** A storm: this many reconnects … */
  stormReconnects: 5,
  /** … within this many minutes. */
  stormWithinMin: 10,
  /** Per target: at least this many seconds between two messages (Telegram allows ~1/s per chat, Discord 5 per 2 s). */
  minIntervalSec: 2,
} as const;

export const NOTIFY_KINDS = ['webhook', 'telegram', 'discord'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envName = text('the name of an environment variable, e.g. GRIDBOT_TELEGRAM_TOKEN', (s) => ENV_NAME.test(s));
const httpUrl = text('an http(s) URL', (s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
});

/** Which keys each kind takes; the rest are refused for it. */
const KEYS_OF: Record<NotifyKind, { readonly required: readonly string[]; readonly optional: readonly string[] }> = {
  webhook: { required: ['url'], optional: ['authHeaderEnv'] },
  telegram: { required: ['tokenEnv', 'chatId'], optional: ['apiBase'] },
  discord: { required: ['urlEnv'], optional: [] },
};
const EXPECTED: Record<string, string> = {
  url: 'an http(s) URL',
  tokenEnv: 'the name of the environment variable holding the bot token, e.g. GRIDBOT_TELEGRAM_TOKEN',
  chatId: 'a chat id, e.g. "-1001234567890" or "@channel"',
  urlEnv: 'the name of the environment variable holding the Discord webhook URL, e.g. GRIDBOT_DISCORD_WEBHOOK',
};

const target = strict({
  kind: oneOf(NOTIFY_KINDS),
  url: httpUrl.optional(),
  authHeaderEnv: envName.optional(),
  tokenEnv: envName.optional(),
  chatId: text('a chat id, e.g. "-1001234567890" or "@channel"', (s) => /^(?:-?\d{1,20}|@[A-Za-z0-9_]{4,64})$/.test(s)).optional(),
  /** Telegram's API base; tests point it at a local server. */
  apiBase: httpUrl.optional(),
  urlEnv: envName.optional(),
}).superRefine((t, ctx) => {
  const keys = KEYS_OF[t.kind];
  if (keys === undefined) return;
  for (const k of Object.keys(t)) {
    if (k !== 'kind' && !keys.required.includes(k) && !keys.optional.includes(k) && t[k as keyof typeof t] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [k],
        params: SENTENCE,
        message: `is not a key of a ${t.kind} target (it takes ${[...keys.required, ...keys.optional].join(', ')})`,
      });
    }
  }
  for (const k of keys.required) {
    if (t[k as keyof typeof t] === undefined)
      ctx.addIssue({ code: 'custom', path: [k], params: SENTENCE, message: `is missing; a ${t.kind} target needs ${EXPECTED[k] ?? k}` });
  }
});

const storm = strict({
  reconnects: int(2, 1000).default(NOTIFY_DEFAULTS.stormReconnects),
  withinMin: int(1, 1440).default(NOTIFY_DEFAULTS.stormWithinMin),
});

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const notifySchema = strict({
  targets: z.array(target, { error: 'a list of targets' }).min(1, { error: 'a list of at least one target' }),
  waitingForPriceAfterSec: int(10, 86_400).default(NOTIFY_DEFAULTS.waitingForPriceAfterSec),
  reconnectStorm: storm.prefault({}),
  /** Absent: no daily summary. */
  dailySummaryAt: text('a UTC time of day as "HH:MM", e.g. "00:00"', (s) => HHMM.test(s)).optional(),
  minIntervalSec: int(0, 3600).default(NOTIFY_DEFAULTS.minIntervalSec),
});

/** A target as the runtime takes it: secrets by the name of their variable only. */
export type NotifyTargetSpec =
  | { readonly kind: 'webhook'; readonly url: string; readonly authHeaderEnv: string | null }
  | { readonly kind: 'telegram'; readonly tokenEnv: string; readonly chatId: string; readonly apiBase: string }
  | { readonly kind: 'discord'; readonly urlEnv: string };

/** RuntimeConfig's `notify`. */
export interface NotifyConfig {
  readonly targets: readonly NotifyTargetSpec[];
  readonly waitingForPriceAfterSec: number;
  readonly reconnectStorm: { readonly reconnects: number; readonly withinMin: number };
  /** Minutes after 00:00 UTC; null: no daily summary. */
  readonly dailySummaryAtMin: number | null;
  readonly minIntervalSec: number;
}

export const TELEGRAM_API_BASE = 'https://api.telegram.org';

/** Returns the runtime's notify config of a parsed `notify:` block. */
export function toNotifyConfig(n: z.output<typeof notifySchema>): NotifyConfig {
  const hm = n.dailySummaryAt === undefined ? null : HHMM.exec(n.dailySummaryAt);
  return {
    targets: n.targets.map((t): NotifyTargetSpec => {
      if (t.kind === 'telegram')
        return { kind: 'telegram', tokenEnv: t.tokenEnv ?? '', chatId: t.chatId ?? '', apiBase: (t.apiBase ?? TELEGRAM_API_BASE).replace(/\/+$/, '') };
      if (t.kind === 'discord') return { kind: 'discord', urlEnv: t.urlEnv ?? '' };
      return { kind: 'webhook', url: t.url ?? '', authHeaderEnv: t.authHeaderEnv ?? null };
    }),
    waitingForPriceAfterSec: n.waitingForPriceAfterSec,
    reconnectStorm: { reconnects: n.reconnectStorm.reconnects, withinMin: n.reconnectStorm.withinMin },
    dailySummaryAtMin: hm === null ? null : Number(hm[1]) * 60 + Number(hm[2]),
    minIntervalSec: n.minIntervalSec,
  };
}
