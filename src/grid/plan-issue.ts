/**
 * The issue type every grid/ validation returns instead of throwing.
 *
 * An issue with severity `error` makes a plan invalid; a `warning` is reported and the plan stands.
 */

/** Stable codes; the message carries the numbers. */
export type PlanIssueCode =
  | 'invalid-spec'
  | 'invalid-last-price'
  | 'too-few-levels'
  | 'too-many-levels'
  | 'non-positive-price'
  | 'levels-collapse'
  | 'price-outside-range'
  | 'amount-not-positive'
  | 'price-not-positive'
  | 'amount-precision'
  | 'price-precision'
  | 'below-min-amount'
  | 'below-min-total'
  | 'above-max-total'
  | 'counter-below-minimum'
  | 'budget-quote'
  | 'budget-base'
  | 'step-below-fees'
  | 'crossed'
  | 'not-monotonic';

export type IssueSeverity = 'error' | 'warning';

/** One readable reason a spec or plan is not acceptable, with the level it concerns when there is one. */
export interface PlanIssue {
  readonly severity: IssueSeverity;
  readonly code: PlanIssueCode;
  readonly message: string;
  /** Grid level index (0 = lowest price) the issue concerns. */
  readonly level?: number;
  /** Spec field the issue concerns, e.g. `ladder.step`. */
  readonly field?: string;
}

/** Returns an error-severity issue. */
export function planError(code: PlanIssueCode, message: string, extra: { level?: number; field?: string } = {}): PlanIssue {
  return { severity: 'error', code, message, ...extra };
}

/** Returns a warning-severity issue. */
export function planWarning(code: PlanIssueCode, message: string, extra: { level?: number; field?: string } = {}): PlanIssue {
  return { severity: 'warning', code, message, ...extra };
}

/** True when at least one issue is an error. */
export function hasErrors(issues: readonly PlanIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}
