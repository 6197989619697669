import type { PipelineOptions } from "@edgeproof/engine";
import { k8sHooks } from "../sources/k8s.js";
import { UsageError } from "../time-arg.js";
import type { ServeSettings } from "./options.js";
import type { SourceStatus } from "./sources.js";

type Hooks = Pick<PipelineOptions, "rca" | "hostOfUpstream">;

/** While nothing could be read yet, how often to try again. */
const RETRY_MS = 10_000;

/**
 * Kubernetes for RCA (and the host an upstream serves, for lines that log none) in serve: a snapshot directory (read once it can be) or a live cluster (re-read every
 * k8sRefresh; a failed refresh keeps the previous snapshot). One that cannot be read does not stop serve: it
 * is reported as an `error` source with the reason and tried again, and RCA starts when it succeeds.
 */
export class K8sRca {
  private current: Hooks | undefined;
  private error: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly live: boolean;
  private readonly opts: Parameters<typeof k8sHooks>[0];

  /** Undefined when no Kubernetes source was given. `loaded` runs the first time a snapshot is read. */
  static async start(s: ServeSettings, log: (msg: string) => void, loaded: () => void): Promise<K8sRca | undefined> {
    if (!s.k8sSnapshot && !s.kubeconfig && !s.context) return undefined;
    const k = new K8sRca(s, log, loaded);
    await k.load();
    if (k.error) log(`kubernetes ${k.name}: ${k.error}; serving without RCA until it can be read (tried every ${RETRY_MS / 1000} s)`);
    k.schedule();
    return k;
  }

  private constructor(
    private readonly s: ServeSettings,
    private readonly log: (msg: string) => void,
    private readonly loaded: () => void,
  ) {
    this.live = !s.k8sSnapshot;
    this.opts = {
      k8sSnapshot: s.k8sSnapshot,
      kubeconfig: s.kubeconfig,
      context: s.context,
      namespace: s.namespace,
      latencyP95: s.latencyP95,
      proxyReadTimeout: s.proxyReadTimeout,
      proxyConnectTimeout: s.proxyConnectTimeout,
    };
  }

  get name(): string {
    return this.s.k8sSnapshot ?? this.s.context ?? this.s.kubeconfig ?? "cluster";
  }

  /** For the pipeline: answers from the snapshot read last, none before one could be read. */
  readonly hooks: Required<Hooks> = {
    rca: (input) => this.current?.rca?.(input),
    hostOfUpstream: (upstream) => this.current?.hostOfUpstream?.(upstream),
  };

  status(): SourceStatus {
    const state = this.error && !this.current ? "error" : this.live ? "following" : "done";
    return { kind: "k8s", name: this.name, state, linesRead: 0, error: this.error };
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private async load(): Promise<void> {
    try {
      const hook = await k8sHooks(this.opts, this.log);
      if (!hook) return;
      const first = !this.current;
      this.current = hook;
      this.error = undefined;
      if (first) this.loaded();
    } catch (err) {
      if (err instanceof UsageError) throw err;
      this.error = (err as Error).message;
      if (this.current) this.log(`kubernetes refresh failed, keeping the previous snapshot: ${this.error}`);
    }
  }

  private schedule(): void {
    if (this.current && !this.live) return;
    this.timer = setTimeout(() => void this.load().then(() => this.schedule()), this.current ? this.s.k8sRefreshMs : RETRY_MS);
    this.timer.unref();
  }
}
