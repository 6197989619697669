import { parseDuration } from "@edgeproof/engine";

/** `--since/--until`: an ISO 8601 time, epoch ms, or a duration meaning "that long before now". */
export function parseTimeArg(text: string, now: number): number {
  const ago = parseDuration(text);
  if (ago !== undefined) return now - ago;
  if (/^\d{10,}$/.test(text)) return Number(text);
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`invalid time "${text}": use ISO 8601 (2024-05-01T10:00:00Z), epoch ms, or a duration such as 2h`);
  return t;
}

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
