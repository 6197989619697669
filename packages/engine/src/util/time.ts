/** ISO 8601 UTC with milliseconds; the one rendering of event time used in output. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `HH:MM:SS` UTC, for compact proof-block lines. */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}
