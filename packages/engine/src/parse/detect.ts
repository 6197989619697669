import { looksLikeTimeLocal } from "./time.js";

import { looksLikeAlb } from "./alb.js";
import { looksLikeNpm } from "./npm.js";

export type Family = "json" | "envoy" | "clf" | "haproxy" | "cloudfront" | "alb" | "npm";

/**
 * Which parser family a line belongs to, from its first bytes: `{` is JSON, `[` followed by an ISO date
 * is Envoy's default text format, and a ` [dd/Mon/yyyy:` within the first 300 characters is the CLF family
 * (whose exact format the CLF walker settles from the tail), unless the time has milliseconds
 * (`[06/Feb/2009:12:14:14.655]`), which is HAProxy's. A tab after a leading `yyyy-mm-dd` is a CloudFront
 * standard log line (and `#Version:`/`#Fields:` its file header). No full parse, no allocation.
 */
export function detectFamily(line: string): Family | undefined {
  let i = 0;
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  const c = line.charCodeAt(i);
  if (c === 123) return "json";
  if (c === 91 && line.charCodeAt(i + 5) === 45 && line.charCodeAt(i + 11) === 84) return "envoy";
  if (line.charCodeAt(i + 10) === 9 && line.charCodeAt(i + 4) === 45 && c >= 48 && c <= 57) return "cloudfront";
  if (c === 35 && (line.startsWith("#Fields:", i) || line.startsWith("#Version:", i))) return "cloudfront";
  if (i === 0 && looksLikeNpm(line)) return "npm";
  if (i === 0 && looksLikeAlb(line)) return "alb";
  let p = line.indexOf(" [");
  while (p >= 0 && p < 300) {
    if (looksLikeTimeLocal(line, p + 2)) return line.charCodeAt(p + 22) === 46 ? "haproxy" : "clf";
    p = line.indexOf(" [", p + 2);
  }
  return undefined;
}
