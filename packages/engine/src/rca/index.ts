export { parseSnapshot, type SnapshotDoc, type RejectedObject } from "./parse-snapshot.js";
export { analyzeReliability } from "./analyze.js";
export { renderRcaLines, type SpikeWindow } from "./render.js";
export { RcaInput, RcaOptions } from "./rca-input.js";
export { mapUpstream, type ServiceRef, type UpstreamMapping } from "./upstream-map.js";
export { hostsOfUpstream, upstreamHostResolver } from "./upstream-hosts.js";
export { CAUSES } from "./causes/index.js";
export { Snapshot, ResourceType, SnapshotError, SNAPSHOT_ERRORS_KIND, POD_LOGS_KIND, PodLogSamples } from "./snapshot.js";
