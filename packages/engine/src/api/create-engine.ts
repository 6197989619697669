import type { LogFormat } from "../event/http-event.js";
import type { Incident, Rca } from "../incident/incident.js";
import type { RcaInput } from "../rca/rca-input.js";
import type { RulePackDoc } from "../rules/index.js";
import type { RunStats } from "../pipeline/stats.js";
import { Pipeline, type SourceRef } from "../pipeline/pipeline.js";
import { parseDuration } from "../util/duration.js";

/** Root-cause analysis for a reliability incident's window, e.g. {@link kubernetesRca} over a snapshot. */
export type RcaHook = (input: RcaInput) => Rca | undefined;

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /** The rule packs to evaluate: `defaultPacks` from `@edgeproof/engine/packs`, or packs you loaded yourself. */
  packs: RulePackDoc[];
  /** Host for lines whose format does not log one (nginx `combined`), as `edgeproof run --host`. */
  host?: string;
  /**
   * How far out of event-time order lines may arrive without changing any result, as milliseconds or a
   * duration such as `"5s"` or `"1m"` (default 5 s, as `edgeproof run --lateness`). Older lines are counted
   * in `stats.late` and not evaluated.
   */
  lateness?: number | string;
  /**
   * Root-cause analysis for reliability incidents; {@link kubernetesRca} builds one from a Kubernetes snapshot,
   * which also names the host behind an upstream for lines that log none (as `edgeproof run --k8s-snapshot`).
   */
  rca?: RcaHook & { hostOfUpstream?: (upstream: string) => string | undefined };
  /** The log format, or `"auto"` (default) to detect it per line. */
  format?: "auto" | LogFormat;
  /** Query-parameter names whose values are credentials, redacted on top of the built-in ones. */
  secretParams?: string[];
}

/** What {@link Engine.on} reports: an incident opened, grew, or closed. */
export type EngineEvent = "opened" | "updated" | "closed";

/** A listener of {@link Engine.on}; it receives the incident as rendered at that moment. */
export type IncidentListener = (incident: Incident) => void;

/**
 * A running engine over one or more text sources. Feed it text in chunks of any size, then call `flush()`.
 * It never reads a file, the network, a clock or randomness: the same text gives the same incidents.
 */
export interface Engine {
  /**
   * Feeds text; chunks may cut lines anywhere, and any chunking gives the same result. `source` names the input
   * in evidence (`file:line`), as `edgeproof run FILE` does; each source keeps its own line numbers.
   */
  push(text: string, source?: string): void;
  /**
   * Feeds a whole stream (a `fetch` body, standard input, a file stream, or any async iterable of text or
   * bytes), decoding bytes as UTF-8 with replacement, and ends that source when the stream ends.
   */
  pushStream(stream: AsyncIterable<string | Uint8Array>, source?: string): Promise<void>;
  /**
   * Subscribes to incident changes; returns a function that unsubscribes. `opened` and `closed` fire as event
   * time passes; `updated` fires after a `push` for each open incident whose rendering changed (each such push
   * renders every open incident, so subscribe to it only when you want it). Subscribe before the first `push`, `flush` or `stats`.
   */
  on(event: EngineEvent, listener: IncidentListener): () => void;
  /**
   * Ends the input: releases every waiting line, settles every rule at the last event time and returns every
   * incident found, sorted by window start then id: exactly the `incidents` of `edgeproof run --format json`.
   * Incidents still open at the end of input keep status `open`. Later calls return the same list.
   */
  flush(): Incident[];
  /** Lines read, events, rejected lines by reason (with a sample each), late lines, formats seen. */
  readonly stats: RunStats;
}

/**
 * Creates an engine: the common way to run the rule packs over access-log text.
 *
 * @example
 * ```ts
 * import { createEngine } from "@edgeproof/engine";
 * import { defaultPacks } from "@edgeproof/engine/packs";
 * const engine = createEngine({ packs: defaultPacks, host: "shop.example.com" });
 * engine.on("opened", (i) => console.log(i.severity, i.title));
 * engine.push(logText);
 * const incidents = engine.flush();
 * ```
 */
export function createEngine(options: EngineOptions): Engine {
  const lateness = latenessMs(options.lateness);
  const listeners: Record<EngineEvent, Set<IncidentListener>> = { opened: new Set(), updated: new Set(), closed: new Set() };
  // Built on first use, so that it records changes only when someone listens: a batch caller reads flush()
  // and would only pay for rendering each incident twice.
  let pipeline: Pipeline | undefined;
  // What was last reported per open incident, so that `updated` reports real changes only.
  const rendered = new Map<string, string>();
  const listening = () => listeners.opened.size + listeners.updated.size + listeners.closed.size > 0;

  const get = (): Pipeline =>
    (pipeline ??= new Pipeline({
      packs: options.packs,
      host: options.host,
      allowedLatenessMs: lateness,
      rca: options.rca,
      hostOfUpstream: options.rca?.hostOfUpstream,
      format: options.format,
      secretParams: options.secretParams,
      changes: listening(),
    }));

  const emit = (p: Pipeline, renderOpen = true) => {
    if (!listening()) return;
    const tracking = listeners.updated.size > 0;
    for (const c of p.drainChanges()) {
      if (tracking) {
        if (c.type === "opened") rendered.set(c.incident.id, JSON.stringify(c.incident));
        else rendered.delete(c.incident.id);
      }
      for (const fn of listeners[c.type]) fn(c.incident);
    }
    if (!tracking || !renderOpen) return;
    for (const inc of p.openIncidents()) {
      const text = JSON.stringify(inc);
      if (rendered.get(inc.id) === text) continue;
      rendered.set(inc.id, text);
      for (const fn of listeners.updated) fn(inc);
    }
  };

  const ref = (source: string | undefined): SourceRef => (source === undefined ? {} : { file: source });

  return {
    push(text, source) {
      const p = get();
      p.pushText(text, ref(source));
      emit(p);
    },
    async pushStream(stream, source) {
      const p = get();
      const r = ref(source);
      const decoder = new TextDecoder("utf-8", { fatal: false });
      for await (const chunk of stream) {
        p.pushText(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }), r);
        emit(p);
      }
      const rest = decoder.decode();
      if (rest) p.pushText(rest, r);
      p.endText(r);
      emit(p);
    },
    on(event, listener) {
      if (!Object.hasOwn(listeners, event)) throw new TypeError(`unknown engine event "${String(event)}": use opened, updated or closed`);
      if (pipeline) throw new Error("engine.on() must be called before the first push, flush or stats (the engine records changes only when someone listens)");
      listeners[event].add(listener);
      return () => void listeners[event].delete(listener);
    },
    flush() {
      const p = get();
      const incidents = p.flush();
      // Settling at the end of input records no change of its own: what is still open is in the result.
      emit(p, false);
      return incidents;
    },
    get stats() {
      return get().stats;
    },
  };
}

function latenessMs(lateness: number | string | undefined): number | undefined {
  if (lateness === undefined || typeof lateness === "number") {
    if (lateness !== undefined && !(Number.isFinite(lateness) && lateness >= 0)) throw new RangeError(`lateness must be a non-negative number of milliseconds, got ${lateness}`);
    return lateness;
  }
  const ms = parseDuration(lateness);
  if (ms === undefined) throw new RangeError(`lateness must be a duration such as 5s or 2m, got "${lateness}"`);
  return ms;
}
