/** Test infrastructure for the Loki adapter (Node only): never import from the adapter's own code. */
export { LokiApiTestServer, parseLokiTime, type LokiApiTestServerOptions, type PushStream, type RecordedRequest } from "./loki-api-test-server.js";
export { FaultProxy, type Fault, type FaultPlan } from "./fault-proxy.js";
export { parseLogSelector, LogQLParseError, type LogSelector } from "./logql-selector.js";
