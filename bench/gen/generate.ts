import { allProbes, type ProbeLists } from "./lists.js";
import { formatLine, TimeLocal, type OutputFormat } from "./format.js";
import { permute32, Rng } from "./prng.js";
import { BROWSER_AGENTS, clientAddress, HOST_CDF, HOSTS, OTHER_AGENTS, SEARCH_REFERERS, type Host, type LogRecord } from "./traffic.js";

/**
 * - mixed: realistic traffic with scanner bursts, a low-and-slow scanner, an exploit with impact and a 5xx episode;
 * - distinct-clients: every line from a new client address, spread over `durationS` of event time (state growth);
 * - signatures: every line a probe from the attack lists; distinct-paths: every line a new path;
 * - long-lines: every line exactly `lineBytes` long including the newline.
 */
export type Mode = "mixed" | "distinct-clients" | "signatures" | "distinct-paths" | "long-lines";

export type GenOptions = {
  lines: number;
  format: OutputFormat;
  clients: number;
  seed: number;
  mode: Mode;
  /** Event-time span of the whole file; by default `lines / 1000` seconds (1,000 requests/s). */
  durationS?: number;
  lineBytes?: number;
  lists: ProbeLists;
};

/** Event time of the first line: fixed, so output never depends on the clock. */
export const START_MS = Date.UTC(2026, 10, 20, 12, 0, 0);
const STATIC_RE = /\.(js|css|ico|woff2|svg|jpg|png|ts)(\?|$)/;
const SCANNER_POOL = 2_000;

type Actor = { at: number; next: (rng: Rng) => LogRecord };

/** Generates the log, handing it to `sink` in chunks of whole lines; returns the number of bytes produced. */
export function generate(opts: GenOptions, sink: (chunk: string) => void): number {
  const rng = new Rng(opts.seed);
  const salt = permute32(opts.seed, 0x5eed);
  const durationMs = (opts.durationS ?? opts.lines / 1000) * 1000;
  const probes = allProbes(opts.lists);
  const time = new TimeLocal();
  const traffic = new Background(rng, opts, salt, durationMs);
  const actors = opts.mode === "mixed" ? scheduleActors(rng, opts, salt, durationMs, probes) : [];
  const filler = opts.mode === "long-lines" ? makeFiller(rng, opts.lineBytes ?? 65_536) : "";

  let bytes = 0;
  let chunk: string[] = [];
  for (let i = 0; i < opts.lines; i++) {
    const tb = START_MS + Math.floor((i * durationMs) / opts.lines);
    let rec: LogRecord | undefined;
    const actor = earliest(actors);
    if (actor && actor.at <= tb) rec = actor.next(rng);
    else if (opts.mode === "signatures") rec = traffic.probe(tb, probes);
    else rec = traffic.request(tb, i);
    let line = formatLine(rec, opts.format, time);
    if (opts.mode === "long-lines") line = padLine(rec, line, opts, time, filler);
    chunk.push(line);
    if (chunk.length === 2048) {
      bytes += flush(chunk, sink);
      chunk = [];
    }
  }
  if (chunk.length > 0) bytes += flush(chunk, sink);
  return bytes;
}

function flush(lines: string[], sink: (chunk: string) => void): number {
  const text = lines.join("\n") + "\n";
  sink(text);
  return Buffer.byteLength(text);
}

function earliest(actors: Actor[]): Actor | undefined {
  let best: Actor | undefined;
  for (const a of actors) if (a.at !== Infinity && (!best || a.at < best.at)) best = a;
  return best;
}

function makeFiller(rng: Rng, lineBytes: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  let s = "";
  while (s.length < lineBytes) s += alphabet[rng.int(alphabet.length)];
  return s;
}

/** Grows the query string until the line (plus newline) is exactly `lineBytes`; all generated text is ASCII. */
function padLine(rec: LogRecord, line: string, opts: GenOptions, time: TimeLocal, filler: string): string {
  const need = (opts.lineBytes ?? 65_536) - 1 - line.length - 3;
  if (need <= 0) return line;
  rec.target += `${rec.target.includes("?") ? "&" : "?"}q=${filler.slice(0, need)}`;
  return formatLine(rec, opts.format, time);
}

class Background {
  private readonly episodeStart: number;
  private readonly episodeEnd: number;

  constructor(
    private readonly rng: Rng,
    private readonly opts: GenOptions,
    private readonly salt: number,
    durationMs: number,
  ) {
    // The 5xx episode: 90 s (or a tenth of a short file) on one upstream, 40% into the file.
    const span = Math.min(90_000, durationMs / 10);
    this.episodeStart = START_MS + Math.floor(durationMs * 0.4);
    this.episodeEnd = opts.mode === "mixed" ? this.episodeStart + span : this.episodeStart;
  }

  request(ts: number, i: number): LogRecord {
    const r = this.rng;
    const idx = this.opts.mode === "distinct-clients" ? i : Math.floor(this.opts.clients * r.next() ** 3);
    const traits = permute32(idx, this.salt);
    const h = HOSTS[r.weighted(HOST_CDF)];
    const route = h.routes[r.weighted(h.routeCdf)];
    let target = route.page(r);
    if (this.opts.mode === "distinct-paths") target = `/p/${i.toString(36)}/${target.slice(1)}`;
    const isStatic = STATIC_RE.test(target);
    const pods = h.pods.get(route.upstream)!;
    const rec: LogRecord = {
      ts,
      ip: clientAddress(idx, this.salt, traits % 100 < 8),
      method: route.method ? route.method(r) : r.chance(0.01) ? "HEAD" : "GET",
      target,
      protocol: r.chance(0.3) ? "HTTP/2.0" : "HTTP/1.1",
      status: 200,
      bytes: isStatic ? r.range(2_000, 200_000) : r.range(300, 60_000),
      referer: isStatic ? `https://${h.name}/` : r.chance(0.3) ? r.pick(SEARCH_REFERERS) : r.chance(0.5) ? `https://${h.name}/` : "-",
      ua: (traits >>> 8) % 100 < 85 ? BROWSER_AGENTS[(traits >>> 12) % BROWSER_AGENTS.length] : OTHER_AGENTS[(traits >>> 12) % OTHER_AGENTS.length],
      host: h.name,
      requestLength: r.range(80, 900),
      requestTime: -Math.log(1 - r.next()) * 0.05,
      upstreamName: route.upstream,
      upstreamFields: "",
      requestId: r.hex(32),
    };
    const addr = r.pick(pods);
    const x = r.next();
    if (ts >= this.episodeStart && ts < this.episodeEnd && route.upstream === "shop-cart-8080") return this.episode(rec, pods);
    if (x < 0.002) return this.defaultBackend(rec);
    if (x < 0.005) return this.redirect(rec);
    if (x < 0.007) return this.retried(rec, pods);
    if (x < 0.0075) return this.internalRedirect(rec, addr);
    if (x < 0.008) rec.target += `${rec.target.includes("?") ? "&" : "?"}session=${r.hex(r.range(2_000, 16_000))}`;
    else if (x < 0.0085) rec.referer = `https://${h.name}/search?q=${r.hex(r.range(1_000, 8_000))}`;
    const y = r.next();
    if (isStatic && y < 0.15) [rec.status, rec.bytes] = [304, 0];
    else if (y < 0.01) rec.status = 404;
    else if (y < 0.025) rec.status = 302;
    else if (y < 0.028) rec.status = 499;
    else if (y < 0.03) rec.status = 500;
    else if (route.upstream === "api-auth-9000" && y < 0.1) rec.status = 401;
    if (rec.status !== 200 && rec.status !== 304) rec.bytes = r.range(150, 600);
    const upTime = Math.max(0, rec.requestTime - r.next() * 0.002).toFixed(3);
    if (rec.status === 499) {
      rec.bytes = 0;
      rec.upstreamFields = `${addr} 0 ${upTime} -`;
    } else rec.upstreamFields = `${addr} ${rec.bytes + (rec.bytes > 0 ? r.range(0, 400) : 0)} ${upTime} ${rec.status}`;
    return rec;
  }

  /** Reused by the `signatures` worst case: every line a probe from the attack lists. */
  probe(ts: number, probes: string[]): LogRecord {
    const r = this.rng;
    const idx = this.opts.clients + r.int(SCANNER_POOL);
    const ua = r.chance(0.5) ? r.pick(this.opts.lists.badAgents) : BROWSER_AGENTS[idx % BROWSER_AGENTS.length];
    return probeRecord(r, ts, clientAddress(idx, this.salt, idx % 5 === 0), ua, HOSTS[r.weighted(HOST_CDF)], r.pick(probes), r.chance(0.9) ? 404 : 403);
  }

  private episode(rec: LogRecord, pods: string[]): LogRecord {
    const r = this.rng;
    // First half: no ready endpoints (ingress-nginx answers 503 from its 0.0.0.1 placeholder, or never reaches one).
    if (rec.ts < (this.episodeStart + this.episodeEnd) / 2) {
      Object.assign(rec, { status: 503, bytes: 190, requestTime: 0, upstreamFields: r.chance(0.8) ? "0.0.0.1:80 0 0.000 503" : "- - - -" });
    } else {
      // Second half: endpoints back but hanging; three 5 s connect timeouts, as in ingress-nginx issue 9443.
      const addrs = [r.pick(pods), r.pick(pods), r.pick(pods)].join(", ");
      Object.assign(rec, { status: 504, bytes: 562, requestTime: 15 + r.next() * 0.01, upstreamFields: `${addrs} 0, 0, 0 5.000, 5.000, 5.000 504, 504, 504` });
    }
    return rec;
  }

  private defaultBackend(rec: LogRecord): LogRecord {
    return Object.assign(rec, { status: 404, bytes: 548, upstreamName: "upstream-default-backend", upstreamFields: "127.0.0.1:8181 548 0.001 404", requestTime: 0.001 });
  }

  private redirect(rec: LogRecord): LogRecord {
    return Object.assign(rec, { status: 308, bytes: 164, requestTime: 0, upstreamFields: "- - - -" });
  }

  /** A retry rescued the request: the first pod refused, the second answered. */
  private retried(rec: LogRecord, pods: string[]): LogRecord {
    const t1 = (this.rng.next() * 0.003).toFixed(3);
    const t2 = rec.requestTime.toFixed(3);
    return Object.assign(rec, { upstreamFields: `${pods[0]}, ${pods[1]} 0, ${rec.bytes} ${t1}, ${t2} 502, 200` });
  }

  /** error_page moved the request to another server group: the groups are joined by ` : `. */
  private internalRedirect(rec: LogRecord, addr: string): LogRecord {
    return Object.assign(rec, { status: 404, bytes: 548, upstreamFields: `${addr} : 127.0.0.1:8181 0 : 548 0.004 : 0.001 404 : 404` });
  }
}

function probeRecord(r: Rng, ts: number, ip: string, ua: string, h: Host, target: string, status: number): LogRecord {
  const route = h.routes[0];
  const bytes = status === 200 ? r.range(500, 4_000) : r.range(150, 600);
  return {
    ts,
    ip,
    method: "GET",
    target,
    protocol: "HTTP/1.1",
    status,
    bytes,
    referer: "-",
    ua,
    host: h.name,
    requestLength: r.range(80, 300),
    requestTime: r.next() * 0.01,
    upstreamName: route.upstream,
    upstreamFields: `${h.pods.get(route.upstream)![0]} ${bytes} 0.00${r.int(9)} ${status}`,
    requestId: r.hex(32),
  };
}

/** A sequence of probes from one client at a fixed pace: `targets[k]` at `start + k * gapMs`. */
function prober(start: number, gapMs: number, targets: { path: string; status: number; method?: string }[], make: (rng: Rng, ts: number, path: string, status: number) => LogRecord): Actor {
  let k = 0;
  const actor: Actor = {
    at: start,
    next(rng) {
      const t = targets[k++];
      const rec = make(rng, actor.at, t.path, t.status);
      if (t.method) rec.method = t.method;
      actor.at = k < targets.length ? start + k * gapMs + rng.int(Math.max(1, gapMs / 4)) : Infinity;
      return rec;
    },
  };
  return actor;
}

/** `count` distinct items from `items`, in a seeded order. */
function distinct<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const copy = [...items];
  for (let i = 0; i < Math.min(count, copy.length); i++) {
    const j = i + rng.int(copy.length - i);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, count);
}

function scheduleActors(rng: Rng, opts: GenOptions, salt: number, durationMs: number, probes: string[]): Actor[] {
  const actors: Actor[] = [];
  const scanner = (idx: number, v6: boolean, ua: string, h: Host) => (r: Rng, ts: number, path: string, status: number) =>
    probeRecord(r, ts, clientAddress(idx, salt, v6), ua, h, path, status);

  // Scanner bursts: about 12 per million lines, 40-200 distinct probes each at 5-25 requests/s.
  const bursts = Math.max(1, Math.round((12 * opts.lines) / 1e6));
  for (let b = 0; b < bursts; b++) {
    const start = START_MS + Math.floor((durationMs * (b + 0.5)) / bursts);
    const targets = distinct(rng, probes, rng.range(40, 200)).map((path) => ({ path, status: rng.chance(0.1) ? 403 : 404 }));
    const h = HOSTS[rng.weighted(HOST_CDF)];
    actors.push(prober(start, Math.floor(1000 / rng.range(5, 25)), targets, scanner(opts.clients + 10 + b, b % 4 === 3, rng.pick(opts.lists.badAgents), h)));
  }

  // Low and slow: one sensitive-file probe every ~30 s for the whole file, with a browser user agent.
  const slowTargets = distinct(rng, [...opts.lists.sensitive, ...opts.lists.admin], Math.max(1, Math.floor(durationMs / 30_000))).map((path) => ({ path, status: 404 }));
  actors.push(prober(START_MS + 5_000, 30_000, slowTargets, scanner(opts.clients + 1, false, BROWSER_AGENTS[0], HOSTS[0])));

  // An exploit with impact: a few CVE probes, then a path traversal and two CVE URIs answered 200.
  const exploit = [
    ...distinct(rng, opts.lists.cves, 8).map((path) => ({ path, status: 404 })),
    { path: "/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd", status: 200 },
    { path: "/_ignition/execute-solution", status: 200, method: "POST" },
    { path: "/.env", status: 200 },
  ];
  const exploitGap = Math.min(2_000, Math.floor((durationMs * 0.3) / exploit.length));
  actors.push(prober(START_MS + Math.floor(durationMs * 0.6), exploitGap, exploit, scanner(opts.clients + 2, false, "python-requests/2.31.0", HOSTS[2])));
  return actors;
}
