import type { ObservedEvent } from "../event/observed-event.js";
import type { CompiledRule } from "../rules/compile.js";

/**
 * A rule's `skipAnswered` memory: per host, when each path (or first path segment) last got a 2xx/3xx answer,
 * to anyone, among the requests the rule is about. Such a path exists on that host, so a 401/403/404 on it is
 * its own users' failed login or stale link, not a probe for something that is not there.
 *
 * Events arrive in the pipeline's total order (event time, then content), so the memory, and what it lets
 * count, is the same under any chunking or reordering within the lateness.
 */
export class AnsweredPaths {
  private readonly last = new Map<string, number>();
  private readonly by: "path" | "firstSegment";
  private readonly withinMs: number;
  private readonly subject: (ev: ObservedEvent) => boolean;

  constructor(private readonly rule: CompiledRule) {
    this.by = rule.skipAnswered!.by;
    this.withinMs = rule.skipAnswered!.withinMs;
    this.subject = rule.answeredSubject!;
  }

  /**
   * Records the event if it is an answer, and says whether it still counts: `counted` (the rule's whole match)
   * unless it is a failure on a path answered within the span before it.
   */
  judge(ev: ObservedEvent, counted: boolean): boolean {
    const status = ev.e.status;
    const answered = status >= 200 && status < 400;
    if (!counted) {
      // The signature gate (a list hit in the rule's pack) turns nearly every request away before the subject runs.
      if (!answered || (this.rule.gate.signaturePack !== undefined && ev.signatures?.has(this.rule.gate.signaturePack) !== true) || !this.subject(ev)) return false;
      this.last.set(this.keyOf(ev), ev.e.ts);
      return false;
    }
    const k = this.keyOf(ev);
    if (answered) {
      this.last.set(k, ev.e.ts);
      return true;
    }
    const at = this.last.get(k);
    return at === undefined || at <= ev.e.ts - this.withinMs;
  }

  /** Lets go of answers older than the span. */
  forgetBefore(now: number): void {
    for (const [k, at] of this.last) if (at <= now - this.withinMs) this.last.delete(k);
  }

  private keyOf(ev: ObservedEvent): string {
    const path = ev.e.path.toLowerCase();
    const unit = this.by === "path" ? path : path.slice(0, path.indexOf("/", 1) < 0 ? path.length : path.indexOf("/", 1));
    return `${ev.e.host ?? ""}\u0000${unit}`;
  }
}
