/**
 * Refuses credentials written into markets.yaml: any key named like a secret, at any depth.
 * Keys come from the environment only (credentials.ts), so a config file can be shared and
 * committed. The value is never echoed.
 */
import type { FieldPath } from './yaml-tree.js';

/** Normalised names (lower case, no `-`/`_`) that count as secrets wherever they appear. */
const SECRET_NAMES = new Set(['key', 'apikey', 'secret', 'apisecret', 'secretkey', 'privatekey', 'password', 'passphrase', 'token', 'apitoken']);

/** True when a key looks like it holds a credential (`apiKey`, `api_secret`, `SECRET`, ...). */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_\s]/g, '');
  return SECRET_NAMES.has(k) || k.endsWith('apikey') || k.endsWith('apisecret') || k.endsWith('secret');
}

export const SECRET_MESSAGE =
  'credentials are never read from the config file; remove this key and set WHITEBIT_API_KEY / WHITEBIT_API_SECRET in the environment';

/** The same refusal inside `notify:`, whose secrets are named by their environment variable (notify-schema.ts). */
export const NOTIFY_SECRET_MESSAGE =
  'secrets are never read from the config file; remove this key and name the environment variable that holds it (tokenEnv, urlEnv, authHeaderEnv)';

/** Returns the path of every secret-named key in the tree. */
export function findSecretKeys(tree: unknown, path: FieldPath = [], out: FieldPath[] = []): FieldPath[] {
  if (Array.isArray(tree)) {
    tree.forEach((item, i) => findSecretKeys(item, [...path, i], out));
  } else if (tree !== null && typeof tree === 'object' && Object.getPrototypeOf(tree) === Object.prototype) {
    for (const [k, v] of Object.entries(tree)) {
      if (isSecretKey(k)) out.push([...path, k]);
      else findSecretKeys(v, [...path, k], out);
    }
  }
  return out;
}
