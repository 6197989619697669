import type { Cause } from "../cause.js";
import { configError } from "./config-error.js";
import { crashloop } from "./crashloop.js";
import { demandSurge } from "./demand-surge.js";
import { imagePull } from "./image-pull.js";
import { nodeNotReady } from "./node-not-ready.js";
import { noPodsSelected } from "./no-pods-selected.js";
import { oomKilled } from "./oom-killed.js";
import { podsPending } from "./pods-pending.js";
import { portMismatch } from "./port-mismatch.js";
import { readinessFailures } from "./readiness-failures.js";
import { rolloutStuck } from "./rollout-stuck.js";
import { unhandled501 } from "./unhandled-501.js";
import { upstreamLatency } from "./upstream-latency.js";
import { upstreamTimeout } from "./upstream-timeout.js";
import { zeroReadyEndpoints } from "./zero-ready-endpoints.js";

/** Every cause, in the order that breaks ties between unlinked findings of equal confidence. */
export const CAUSES: readonly Cause[] = [
  // First: a surge that overlapped the spike is ranked above the pods that fell over under it.
  demandSurge,
  zeroReadyEndpoints,
  readinessFailures,
  crashloop,
  oomKilled,
  imagePull,
  nodeNotReady,
  upstreamTimeout,
  upstreamLatency,
  unhandled501,
  noPodsSelected,
  portMismatch,
  rolloutStuck,
  podsPending,
  configError,
];
