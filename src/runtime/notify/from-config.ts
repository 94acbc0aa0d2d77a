/**
 * The notifier of a loaded markets.yaml, for `gridbot run`: null without `notify:`, the issues
 * (file:line:col, field, the variable's name, never a value) when a secret is missing from the
 * environment, so `run` refuses to start with nothing sent.
 */
import type { ConfigIssue } from '../config/config-error.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { systemClock } from '../../sim/clock.js';
import type { MarketLogSink } from '../market-log.js';
import { type Notifier, createNotifier } from './notifier.js';
import { resolveConfigTargets } from './env-check.js';

export function notifierOf(config: RuntimeConfig, env: NodeJS.ProcessEnv, log: MarketLogSink): Notifier | null | readonly ConfigIssue[] {
  if (config.notify === null) return null;
  const resolved = resolveConfigTargets(config.notify, config, env);
  if (!resolved.ok) return resolved.issues;
  return createNotifier({ config: config.notify, botId: config.botId, targets: resolved.targets, clock: systemClock(), log });
}
