/**
 * The journal: SQLite persistence of the market actors' events, checkpoints, orders, fills,
 * transitions and PnL; restores a market's book after a crash. See journal.ts.
 */
export {
  bookOfRun,
  killSwitchMsOfRun,
  openJournal,
  Journal,
  type IdentityClaim,
  type JournalOptions,
  type MarketRunRecord,
  type PnlFigures,
} from './journal.js';
export { EMBEDDED, type ExchangeIdentity, identityText, keyFingerprint } from './identity.js';
export { type JournalFileState, inspectJournalFile } from './journal-file.js';
export { type JournalInspector, journalInspector, type JournalInspectorOptions, type JournalSink } from './inspect-hook.js';
export { attachSystemHook } from './system-hook.js';
export { replayMarket, type MarketSnapshot } from './replay.js';
export { SCHEMA_VERSION } from './schema.js';
export type { OrderStatus } from './derived-tables.js';
export {
  JournalClosedError,
  JournalCodecError,
  JournalCorruptError,
  JournalError,
  JournalFileError,
  JournalLockedError,
  JournalMismatchError,
  JournalUsageError,
  type JournalErrorCode,
  type LockHolder,
} from './journal-errors.js';
export { readJournalReport, type JournalReport, type MarketReport } from './journal-report.js';
export { type LockState, lockState, processIsAlive } from './instance-lock.js';
