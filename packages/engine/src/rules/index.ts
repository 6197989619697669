export * from "./schema.js";
export * from "./load.js";
export * from "./problems.js";
export { SignatureMatcher, type PackHits } from "./signatures.js";
export { requiredLiterals } from "./regex-literals.js";
export { parseMetric, type MetricName } from "./compile.js";
export { rulePackJsonSchema } from "./json-schema.js";
