export * from "./schema.js";
export * from "./load.js";
export * from "./problems.js";
export { SignatureMatcher } from "./signatures.js";
export { parseMetric, type MetricName } from "./compile.js";
export { rulePackJsonSchema } from "./json-schema.js";
