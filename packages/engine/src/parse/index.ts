import type { HTTPEvent, LogFormat, ParseResult, RejectReason } from "../event/http-event.js";
import { parseClf, parseClfFrom, readHead, type ClfHead } from "./clf.js";
import { parseCriPrefix } from "./cri.js";
import { detectFamily, type Family } from "./detect.js";
import type { DraftResult } from "./draft.js";
import { parseEnvoyText } from "./envoy.js";
import { parseAlb } from "./alb.js";
import { parseNpm } from "./npm.js";
import { parseJsonLine } from "./json.js";
import { parseHaproxy } from "./haproxy.js";
import { parseCloudFront, type W3cState } from "./cloudfront.js";
import { classifyLine } from "./non-access.js";
import { stripSyslogPrefix } from "./syslog.js";
import { compileNginxLogFormat, type CompiledFormat } from "./nginx-format.js";
import { compileJsonKeyMap, PREFIX as JSON_MAP } from "./json-format.js";

export { classifyLine, parseNonAccessLine, type LineClass, type NonAccessLine } from "./non-access.js";
export { parseCriPrefix, type CriLine } from "./cri.js";
export { detectFamily, type Family } from "./detect.js";
export { decodeLogged } from "./escape.js";
export { parseRequest, type RequestParts } from "./request.js";
export { parseIso8601, parseTimeLocal, parseNginxErrorTime } from "./time.js";
export { LogFormatError, type CompiledFormat } from "./nginx-format.js";
export type { W3cState } from "./cloudfront.js";

/**
 * A user's log format, compiled once: `json:{"key":"$variable",...}` for JSON logs, else an nginx
 * `log_format` (the directive or its format string). Throws LogFormatError with the position and reason.
 */
export function compileLogFormat(spec: string): CompiledFormat {
  const s = spec.trimStart();
  return s.startsWith(JSON_MAP) ? compileJsonKeyMap(s) : compileNginxLogFormat(spec);
}

/** Where a line comes from and how to read it, for parseLine. */
export interface ParseContext {
  /** 1-based line number. */
  line: number;
  file?: string;
  labels?: Record<string, string>;
  /**
   * "auto" (default) detects per line. A format restricts the line to that format's parser family;
   * `source.format` always names what the line actually was (e.g. "main" under "combined").
   */
  format?: "auto" | LogFormat;
  /** Host to use when neither the line nor labels.host name one. */
  host?: string;
  /** A compiled user format (compileLogFormat): every line is read with it instead of the built-in parsers. */
  custom?: CompiledFormat;
  /** The `#Fields:` header of the file the line is from, kept by the caller per file (CloudFront logs). */
  w3c?: W3cState;
}

/** Lines longer than this are rejected unread; everything shorter is parsed in full (no field is cut). */
export const MAX_LINE = 1024 * 1024;
/** Rejected.sample is cut to this many characters. */
export const MAX_SAMPLE = 512;

// A compiled format ("custom") has no family: ParseContext.custom carries its parser.
const FAMILY_OF: Record<LogFormat, Family | undefined> = {
  combined: "clf",
  main: "clf",
  upstreaminfo: "clf",
  "upstreaminfo-pre0.22": "clf",
  traefik: "clf",
  json: "json",
  "traefik-json": "json",
  "envoy-json": "json",
  envoy: "envoy",
  custom: undefined,
  caddy: "json",
  haproxy: "haproxy",
  cloudfront: "cloudfront",
  "aws-alb": "alb",
  "nginx-proxy-manager": "npm",
};

function reject(reason: RejectReason, text: string, ctx: ParseContext, detail?: string): ParseResult {
  const rejected = { reason, line: ctx.line, sample: text.length > MAX_SAMPLE ? text.slice(0, MAX_SAMPLE) : text, detail };
  if (detail === undefined) delete rejected.detail;
  return { ok: false, rejected };
}

/**
 * One log line → HTTPEvent, or a Rejected with a reason. Never throws.
 *
 * - CRI-prefixed lines (`<RFC3339> stdout F <line>`) are unwrapped. Partial (`P`) pieces are rejected as
 *   "truncated" instead of joined: parseLine is stateless per line, and containerd only splits lines over
 *   16 KiB, so joining belongs in the reader that sees consecutive lines, not here.
 * - A syslog header in front of an access line is stripped.
 * - Lines over 1 MiB are "too-long"; shorter lines (including > 64 KiB) parse in full, because cutting a
 *   field would silently change paths/UAs that rules match on, and the 1 MiB cap already bounds memory.
 * - Lines that are nginx error-log or klog lines are "not-access-log", so they are counted apart from garbage.
 */
export function parseLine(text: string, ctx: ParseContext): ParseResult {
  try {
    return parseLineUnsafe(text, ctx);
  } catch (e) {
    // Defensive: a parser bug must cost one line, not the stream.
    return reject("bad-field", text, ctx, `parser error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The access-log text of a line (CRI and syslog wrappers removed) and its parser family, or why there is none. */
function unwrap(text: string, ctx: ParseContext): { line: string; family: Family | undefined } | ParseResult {
  if (text.length > MAX_LINE) return reject("too-long", text, ctx, `${text.length} characters`);
  let line = text;
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 10 || line.charCodeAt(end - 1) === 13)) end--;
  if (end !== line.length) line = line.slice(0, end);
  const cri = parseCriPrefix(line);
  if (cri) {
    if (cri.partial) return reject("truncated", text, ctx, "CRI partial line (P)");
    line = cri.body;
  }
  line = stripSyslogPrefix(line);
  if ((line.length === 0 || line.charCodeAt(0) <= 32) && line.trim() === "") return reject("empty", text, ctx);
  const format = ctx.format ?? "auto";
  return { line, family: format === "auto" ? detectFamily(line) : FAMILY_OF[format] };
}

/** A CLF-family line whose head (`<prefix> [$time_local] "`) has been read: its event time is known. */
export type DatedLine = ClfHead;

/**
 * Reads only the head of a CLF-family line (undefined for other families and lines without that head). A
 * proxy wrote that head on its own clock, so the time is the line's event time even when the rest turns out
 * malformed; parseDated finishes the line later, with what parseLine would have returned.
 */
export function dateLine(text: string, format: ParseContext["format"]): DatedLine | undefined {
  try {
    const u = unwrap(text, { line: 1, format });
    if ("ok" in u || u.family !== "clf") return undefined;
    const head = readHead(u.line);
    return "ok" in head ? undefined : head;
  } catch {
    return undefined;
  }
}

export function parseDated(d: DatedLine, text: string, ctx: ParseContext): ParseResult {
  try {
    return finish(parseClfFrom(d), "clf", d.line, text, ctx);
  } catch (e) {
    return reject("bad-field", text, ctx, `parser error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parseLineUnsafe(text: string, ctx: ParseContext): ParseResult {
  const u = unwrap(text, ctx);
  if ("ok" in u) return u;
  const { line } = u;
  // After a `#Fields:` header, a tab-separated line of that file is one of its rows, whatever column leads.
  const family = u.family ?? (ctx.w3c?.columns && line.indexOf("\t") >= 0 ? "cloudfront" : undefined);
  const format = ctx.format ?? "auto";
  let r: DraftResult | undefined;
  if (ctx.custom) r = ctx.custom.parse(line);
  else if (family === "json") r = parseJsonLine(line.trimStart(), format === "auto" || format === "json" ? undefined : format);
  else if (family === "envoy") r = parseEnvoyText(line);
  else if (family === "clf") r = parseClf(line);
  else if (family === "haproxy") r = parseHaproxy(line);
  else if (family === "cloudfront") r = parseCloudFront(line, ctx.w3c);
  else if (family === "alb") r = parseAlb(line);
  else if (family === "npm") r = parseNpm(line);

  return finish(r, family, line, text, ctx);
}

function finish(r: DraftResult | undefined, family: Family | undefined, line: string, text: string, ctx: ParseContext): ParseResult {
  if (!r || !r.ok) {
    const kind = classifyLine(line);
    if (kind === "nginx-error" || kind === "klog") return reject("not-access-log", text, ctx, kind);
    if (!r) return reject("unknown-format", text, ctx);
    return reject(r.reason, text, ctx, r.detail);
  }
  // Within the CLF family the tail decides the exact format: "combined" admits any of them (custom
  // formats append fields), "upstreaminfo" admits the older ingress layouts, others must match exactly.
  const format = ctx.format ?? "auto";
  const admitted = format === "auto" || format === "combined" || r.format === format || (format === "upstreaminfo" && r.format === "upstreaminfo-pre0.22");
  if (family === "clf" && !admitted) {
    return reject("bad-field", text, ctx, `expected ${format}, the line is ${r.format}`);
  }
  // The draft becomes the event in place (see newDraft).
  const event = r.draft as HTTPEvent;
  event.host = r.draft.host ?? ctx.labels?.host ?? ctx.host ?? "-";
  event.source = { format: r.format, line: ctx.line, file: ctx.file, labels: ctx.labels };
  return { ok: true, event };
}

/** The exact format of a line, or undefined when no parser accepts it. */
export function detectFormat(text: string): LogFormat | undefined {
  const r = parseLine(text, { line: 1 });
  return r.ok ? r.event.source.format : undefined;
}
