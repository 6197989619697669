export * from "./event/http-event.js";
export * from "./incident/incident.js";
export * from "./rules/index.js";
export * from "./pipeline/pipeline.js";
export * from "./pipeline/stats.js";
export * from "./detect/near-miss.js";
export type { IncidentDraft, TraceStep } from "./detect/rule-evaluator.js";
export { renderProof } from "./incident/proof.js";
export { redactText, redactQuery } from "./incident/redact.js";
export { parseDuration, formatDuration } from "./util/duration.js";
export { isStaticAsset } from "./event/static-asset.js";
export { severityRank, atLeast } from "./incident/severity.js";
export * from "./rca/index.js";
export { type ClientIpOptions, parseTrustedProxies } from "./event/client-identity.js";
export {
  parseLine,
  detectFormat,
  detectFamily,
  classifyLine,
  parseNonAccessLine,
  parseCriPrefix,
  decodeLogged,
  parseRequest,
  compileLogFormat,
  LogFormatError,
  type CompiledFormat,
  MAX_LINE,
  MAX_SAMPLE,
  type ParseContext,
  type LineClass,
  type NonAccessLine,
  type CriLine,
  type RequestParts,
} from "./parse/index.js";
export { createRedactor, DEFAULT_SECRET_PARAMS, REDACTED, type Redactor } from "./incident/redact.js";
export {
  assertSafeRegexes,
  unsafeRegexProblems,
  packRegexes,
  regexVerdict,
  needsNoAnalysis,
  type RegexChecker,
  type RegexDiagnostics,
  type PackRegex,
} from "./rules/regex-safety.js";
export { createEngine, type Engine, type EngineOptions, type EngineEvent, type IncidentListener, type RcaHook } from "./api/create-engine.js";
export { kubernetesRca, type KubernetesRca } from "./api/kubernetes-rca.js";
