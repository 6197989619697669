/**
 * A copy of a string that does not share storage with the text it was cut from. Parsed fields are slices of
 * the chunk they were read from, and engines keep a whole chunk alive for any slice of it; a long-lived map
 * keyed by such slices would pin megabytes of log text per entry. A JSON round trip is the one portable way
 * to force a fresh string in every runtime; it is only paid where a string outlives its event. Short strings
 * are copied too: V8 copies slices under 13 characters anyway, but JavaScriptCore (Bun) shares any slice.
 */
export function ownCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
