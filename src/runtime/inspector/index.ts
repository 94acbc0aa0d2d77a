/** The inspector: a local live page of every actor, and record/replay of a run. */
export { InspectionCollector } from './collector.js';
export { type Inspector, type InspectorOptions, type Replay, startInspector, startReplay } from './inspector.js';
export { InspectorModel } from './model.js';
export type { InspectorRecord } from './records.js';
export { RecordingError, readRecording } from './recording.js';
