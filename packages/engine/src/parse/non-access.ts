import { parseCriPrefix } from "./cri.js";
import { detectFamily } from "./detect.js";
import { stripSyslogPrefix } from "./syslog.js";
import { parseNginxErrorTime } from "./time.js";

/** What {@link classifyLine} makes of a line. */
export type LineClass = "access" | "nginx-error" | "klog" | "empty" | "other";

const NGINX_ERROR = /^(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d) \[(\w+)\] \d+#\d+: (?:\*\d+ )?/;
const KLOG = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [^\s\]]+:\d+\] /;

function body(text: string): string {
  const cri = parseCriPrefix(text);
  return stripSyslogPrefix(cri ? cri.body : text);
}

/**
 * What kind of line this is, cheaply: access lines (any format we parse), nginx error-log lines, Go klog
 * lines from the ingress controller, blank lines, or other. A CRI prefix is looked through.
 */
export function classifyLine(text: string): LineClass {
  const line = body(text);
  if (line.trim() === "") return "empty";
  if (NGINX_ERROR.test(line)) return "nginx-error";
  if (KLOG.test(line)) return "klog";
  return detectFamily(line) ? "access" : "other";
}

/** An ingress controller's own log line (nginx error log or klog), kept as RCA evidence. */
export interface NonAccessLine {
  kind: "nginx-error" | "klog";
  /** Epoch ms. nginx error-log time has no zone and is read as UTC; klog has no year, so it has no ts. */
  ts?: number;
  severity?: string;
  message: string;
  /** `ns/name` of a Service named by the controller. */
  service?: string;
  upstream?: string;
  client?: string;
  host?: string;
  reason?: "no-active-endpoint" | "upstream-timeout" | "connection-refused" | "other";
}

function quotedAfter(line: string, key: string): string | undefined {
  const i = line.indexOf(key);
  if (i < 0) return undefined;
  const s = i + key.length;
  const e = line.indexOf('"', s);
  return e < 0 ? undefined : line.slice(s, e);
}

function reasonOf(message: string): NonAccessLine["reason"] {
  if (message.includes("does not have any active Endpoint")) return "no-active-endpoint";
  if (message.includes("timed out")) return "upstream-timeout";
  if (message.includes("Connection refused")) return "connection-refused";
  return "other";
}

/** Reads an nginx error-log or klog line into evidence for RCA; undefined for any other line. */
export function parseNonAccessLine(text: string): NonAccessLine | undefined {
  const line = body(text);
  const ng = NGINX_ERROR.exec(line);
  if (ng) {
    const rest = line.slice(ng[0].length);
    // The message may quote attacker-controlled text (a basic-auth user name can carry a fake
    // `, client: …`), and nginx appends its own context last, so the last `, client: ` is the real one.
    const ci = rest.lastIndexOf(", client: ");
    const message = ci >= 0 ? rest.slice(0, ci) : rest;
    const out: NonAccessLine = { kind: "nginx-error", ts: parseNginxErrorTime(ng[1]), severity: ng[2], message, reason: reasonOf(message) };
    if (Number.isNaN(out.ts)) delete out.ts;
    if (ci >= 0) {
      const cs = ci + 10;
      const ce = rest.indexOf(",", cs);
      out.client = rest.slice(cs, ce < 0 ? rest.length : ce);
    }
    const context = ci >= 0 ? rest.slice(ci) : rest;
    const upstream = quotedAfter(context, ', upstream: "');
    if (upstream !== undefined) out.upstream = upstream;
    const host = quotedAfter(context, ', host: "');
    if (host !== undefined) out.host = host;
    return out;
  }
  const kl = KLOG.exec(line);
  if (kl) {
    const message = line.slice(kl[0].length);
    const out: NonAccessLine = { kind: "klog", severity: { I: "info", W: "warning", E: "error", F: "fatal" }[line[0]], message, reason: reasonOf(message) };
    const service = quotedAfter(message, 'Service "');
    if (service !== undefined) out.service = service;
    return out;
  }
  return undefined;
}
