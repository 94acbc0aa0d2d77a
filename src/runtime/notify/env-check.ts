/**
 * The `notify:` block's secrets against the environment, for the commands that check a markets.yaml
 * before a run: `validate` reports a missing variable as `run` refuses it (the same issues, from the
 * same {@link resolveTargets}), `doctor` lists every target as ok or missing.
 *
 * Only variable names are ever reported, never a value.
 */
import type { ConfigIssue } from '../config/config-error.js';
import type { NotifyConfig, NotifyTargetSpec } from '../config/notify-schema.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { type ResolveResult, resolveTargets } from './targets.js';

/** One target's secrets: the label logs use (`telegram#1`) and each variable it names, set or not. */
export interface NotifyTargetEnv {
  readonly label: string;
  readonly variables: readonly { readonly field: string; readonly name: string; readonly set: boolean }[];
}

/** Reads the targets' secrets from `env`, each missing one an issue at its target's file:line:col (`run` and `validate`). */
export function resolveConfigTargets(notify: NotifyConfig, config: RuntimeConfig, env: NodeJS.ProcessEnv): ResolveResult {
  return resolveTargets(notify, env, config.file, config.locations?.notifyTargets ?? []);
}

/** Returns the issues `run` refuses to start with: one per variable missing from `env` (none without `notify:`). */
export function notifyEnvIssues(config: RuntimeConfig, env: NodeJS.ProcessEnv): readonly ConfigIssue[] {
  if (config.notify === null) return [];
  const resolved = resolveConfigTargets(config.notify, config, env);
  return resolved.ok ? [] : resolved.issues;
}

/** Returns every target with the variables it names; empty without `notify:`. */
export function notifyTargetEnv(config: RuntimeConfig, env: NodeJS.ProcessEnv): readonly NotifyTargetEnv[] {
  return (config.notify?.targets ?? []).map((t, i) => ({
    label: `${t.kind}#${i + 1}`,
    variables: secretFields(t).map(({ field, name }) => ({ field, name, set: (env[name]?.trim() ?? '') !== '' })),
  }));
}

/** The variables a target reads its secrets from (a webhook without `authHeaderEnv` has none). */
function secretFields(t: NotifyTargetSpec): { readonly field: string; readonly name: string }[] {
  switch (t.kind) {
    case 'webhook':
      return t.authHeaderEnv === null ? [] : [{ field: 'authHeaderEnv', name: t.authHeaderEnv }];
    case 'telegram':
      return [{ field: 'tokenEnv', name: t.tokenEnv }];
    case 'discord':
      return [{ field: 'urlEnv', name: t.urlEnv }];
  }
}
