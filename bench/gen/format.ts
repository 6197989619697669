import type { LogRecord } from "./traffic.js";

export type OutputFormat = "upstreaminfo" | "combined";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** `$time_local` in UTC. Records come in time order, so one cached second saves most of the work. */
export class TimeLocal {
  private second = NaN;
  private text = "";

  format(ts: number): string {
    const s = Math.floor(ts / 1000);
    if (s !== this.second) {
      const d = new Date(s * 1000);
      this.second = s;
      this.text = `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
    }
    return this.text;
  }
}

/** One log line without the newline: nginx `combined`, or ingress-nginx's default `upstreaminfo`. */
export function formatLine(r: LogRecord, format: OutputFormat, time: TimeLocal): string {
  const head = `${r.ip} - - [${time.format(r.ts)}] "${r.method} ${r.target} ${r.protocol}" ${r.status} ${r.bytes} "${r.referer}" "${r.ua}"`;
  if (format === "combined") return head;
  return `${head} ${r.requestLength} ${r.requestTime.toFixed(3)} [${r.upstreamName}] [] ${r.upstreamFields} ${r.requestId}`;
}
