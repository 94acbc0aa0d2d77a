/**
 * Config of the runtime: markets.yaml (load-config.ts), the errors it reports, and credentials
 * (which never come from the file).
 */
export { ConfigError, formatIssue, isConfigError, type ConfigIssue } from './config-error.js';
export { loadConfig, parseConfig, type ConfigResult } from './load-config.js';
export { type ConfigLocations, deepFreeze, toRuntimeConfig, type RuntimeConfig } from './runtime-config.js';
export { DEFAULTS, LOG_LEVELS, MARKET_FIXED, configSchema, type LogLevel } from './schema.js';
export { CredentialsError, Secret, loadCredentials, type Credentials } from './credentials.js';
