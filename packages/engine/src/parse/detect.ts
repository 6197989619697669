import { looksLikeTimeLocal } from "./time.js";

export type Family = "json" | "envoy" | "clf";

/**
 * Which parser family a line belongs to, from its first bytes: `{` is JSON, `[` followed by an ISO date
 * is Envoy's default text format, and a ` [dd/Mon/yyyy:` within the first 300 characters is the CLF family
 * (whose exact format the CLF walker settles from the tail). No full parse, no allocation.
 */
export function detectFamily(line: string): Family | undefined {
  let i = 0;
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  const c = line.charCodeAt(i);
  if (c === 123) return "json";
  if (c === 91 && line.charCodeAt(i + 5) === 45 && line.charCodeAt(i + 11) === 84) return "envoy";
  let p = line.indexOf(" [");
  while (p >= 0 && p < 300) {
    if (looksLikeTimeLocal(line, p + 2)) return "clf";
    p = line.indexOf(" [", p + 2);
  }
  return undefined;
}
