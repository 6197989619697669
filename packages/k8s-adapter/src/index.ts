export { loadSnapshotDir, saveSnapshot, type DirProblem } from "./snapshot-dir.js";
export { takeSnapshot, SnapshotAccessError, type TakeSnapshotOptions } from "./live-snapshot.js";
