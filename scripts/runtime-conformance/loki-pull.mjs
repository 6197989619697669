// Pulls every entry of a Loki query with the built loki-adapter bundle and prints one JSON summary:
// run unchanged by Node, Bun and Deno (`<runtime> loki-pull.mjs URL QUERY START_NS END_NS`).
import { LokiClient, pullAll } from "../../packages/loki-adapter/dist/index.js";

const [url, query, start, end] = (globalThis.Deno ? Deno.args : process.argv.slice(2));
const client = new LokiClient({ url, maxEntriesPerQuery: 500, splitIntervalMs: 60_000, concurrency: 2 });
const entries = await pullAll(client, { query, start, end });
// FNV-1a over every entry keeps the output short while any lost, doubled or reordered line changes it.
let h = 0x811c9dc5;
for (const e of entries) for (const ch of `${e.tsNs} ${e.stream} ${e.line}\n`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
const { requests, pages, entries: n, duplicatesDropped } = client.stats;
console.log(JSON.stringify({ entries: entries.length, hash: h.toString(16), first: entries[0]?.line, last: entries.at(-1)?.line, stats: { requests, pages, entries: n, duplicatesDropped } }));
