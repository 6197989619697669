import { readFileSync } from "node:fs";
import { REPO } from "./spawn-serve.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const STAMP = /\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) \+0000\]/;

/** The demo log's lines that match `filter`, with timestamps moved so the first one is at `startMs`. */
export function shiftedDemoLines(filter: (line: string) => boolean, startMs: number): string[] {
  const lines = readFileSync(`${REPO}fixtures/demo/access.log`, "utf8").split("\n").filter((l) => l && filter(l));
  const t0 = stampMs(lines[0]);
  return lines.map((l) => restamp(l, startMs + stampMs(l) - t0));
}

/** The line with its time replaced by `ms` (to the second, as nginx writes it). */
export function restamp(line: string, ms: number): string {
  return line.replace(STAMP, clfStamp(ms));
}

/** The time of a line, in epoch ms. */
export function stampMs(line: string): number {
  const m = STAMP.exec(line)!;
  return Date.UTC(Number(m[3]), MONTHS.indexOf(m[2]), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function clfStamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `[${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000]`;
}
