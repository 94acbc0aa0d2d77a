/**
 * Readers for private request fields with WhiteBIT's validation texts (422, code 30 unless noted).
 * Each returns the value, undefined when absent, or an ApiError to send back.
 */
import { validationError, type ApiError } from './errors.js';

export type Field<T> = T | undefined | ApiError;

export const isApiError = (v: unknown): v is ApiError =>
  typeof v === 'object' && v !== null && 'status' in v && 'body' in v && typeof (v as ApiError).status === 'number';

const cap = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);
const absent = (v: unknown): boolean => v === undefined || v === null;

export function optString(body: Record<string, unknown>, name: string): Field<string> {
  const v = body[name];
  if (absent(v)) return undefined;
  if (typeof v !== 'string') return validationError(30, { [name]: [`${cap(name)} field should be a string.`] });
  return v;
}

/** An integer field; numeric strings are accepted as clients often send them. */
export function optInt(body: Record<string, unknown>, name: string, min?: number, max?: number): Field<number> {
  const v = body[name];
  if (absent(v)) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) return validationError(30, { [name]: [`The ${name} must be an integer.`] });
  if (min !== undefined && n < min) return validationError(30, { [name]: [`The ${name} must be at least ${min}.`] });
  if (max !== undefined && n > max) return validationError(30, { [name]: [`The ${name} may not be greater than ${max}.`] });
  return n;
}

export function optBool(body: Record<string, unknown>, name: string): Field<boolean> {
  const v = body[name];
  if (absent(v)) return undefined;
  if (typeof v !== 'boolean') return validationError(30, { [name]: [`${cap(name)} field should be a boolean.`] });
  return v;
}

/** Pages a list with WhiteBIT's offset/limit. */
export const page = <T>(items: readonly T[], offset: number, limit: number): T[] => items.slice(offset, offset + limit);
