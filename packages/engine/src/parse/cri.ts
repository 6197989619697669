import { parseIso8601 } from "./time.js";

/** A container runtime (CRI) log line: `<time> <stream> <P|F> <body>`, as kubelet writes pod logs. */
export interface CriLine {
  /** Epoch ms of the runtime's receive time (not the request's time). */
  ts: number;
  stream: "stdout" | "stderr";
  /** `P`: the runtime split a long line; this is not its last piece. */
  partial: boolean;
  body: string;
}

/**
 * The CRI container-log prefix `2025-12-31T17:37:40.493035218+01:00 stdout F <line>` written by
 * containerd/CRI-O under /var/log/pods. Returns undefined when the line does not carry it.
 */
export function parseCriPrefix(line: string): CriLine | undefined {
  if (line.length < 30 || line.charCodeAt(4) !== 45 || line.charCodeAt(10) !== 84) return undefined;
  const sp1 = line.indexOf(" ", 19);
  if (sp1 < 0 || sp1 > 40) return undefined;
  let stream: "stdout" | "stderr";
  if (line.startsWith("stdout ", sp1 + 1)) stream = "stdout";
  else if (line.startsWith("stderr ", sp1 + 1)) stream = "stderr";
  else return undefined;
  const flag = line.charCodeAt(sp1 + 8);
  if ((flag !== 70 && flag !== 80) || (line.length > sp1 + 9 && line.charCodeAt(sp1 + 9) !== 32)) return undefined;
  const ts = parseIso8601(line, 0, sp1);
  if (Number.isNaN(ts)) return undefined;
  return { ts, stream, partial: flag === 80, body: line.slice(sp1 + 10) };
}
