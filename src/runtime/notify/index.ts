/** Notifications (markets.yaml `notify:`): see notifier.ts. */
export { FLUSH_WITHIN_MS, createNotifier, nextDailyAt, type Notifier, type NotifierOptions } from './notifier.js';
export { type NotifyEvent, type GridSummary, messageText } from './messages.js';
export { type ResolvedTarget, resolveTargets, buildRequest } from './targets.js';
export { TargetDelivery, undiciSend, type SendResult } from './delivery.js';
export { notifierOf } from './from-config.js';
export { type NotifyTargetEnv, notifyEnvIssues, notifyTargetEnv } from './env-check.js';
