import { parseDuration, type EventField, type Rule } from "@edgeproof/engine";
import { ExprError, memberPath, parseExpr, type Node, type Pos } from "./expr.js";
import { filterFormula, TranslateError } from "./filter.js";
import { CROWDSEC_FIELDS } from "./fields.js";
import { express, type SignatureClass } from "./express.js";

/**
 * One hub scenario (a YAML document of a scenario file) as one edgeproof rule.
 *
 * The bucket becomes an exact sliding window (documented in rules/crowdsec/COVERAGE.md):
 * - `type: trigger` overflows on its first event: `count >= 1`.
 * - `type: leaky` with `capacity: C`, `leakspeed: L` overflows on the (C+1)-th event the bucket holds at
 *   once, each event leaking out after L: `count >= C+1` within `window: L`; with `distinct: expr`, a
 *   value already in the bucket is not poured again, so `distinct(field) >= C+1` within L.
 * - `type: conditional` overflows when its `condition` holds over the bucket's events; a condition
 *   counting them (`len(queue.Queue) >= N`) is `count >= N` within the leakspeed; any other is refused.
 * - `blackhole: D` silences the key for D after an overflow: the incident's cooldown is D (the finding stays
 *   one incident while the key keeps overflowing, instead of a fresh overflow each time).
 * - `groupby: evt.Meta.source_ip` is `groupBy: [clientIp]`; `… + '/' + evt.Parsed.target_fqdn` adds host.
 */
export interface HubScenario {
  type?: string;
  name?: string;
  description?: string;
  filter?: string;
  groupby?: string;
  distinct?: string;
  capacity?: number;
  leakspeed?: string;
  blackhole?: string;
  condition?: string;
  cancel_on?: string;
  labels?: Record<string, unknown>;
  data?: Array<{ dest_file?: string; source_url?: string; type?: string }>;
}

export interface Located {
  /** `file:line` of the scenario document. */
  source: string;
  file: string;
  /** Line of the document's first key and of its `filter:` value, 1-based. */
  line: number;
  filterLine: number;
}

export type ScenarioResult =
  | { ok: true; rule: Rule; classes: SignatureClass[]; regexLists: Set<string>; approximations: string[] }
  | { ok: false; reason: string; at: string };

const BEHAVIOR_CATEGORY: Record<string, string> = {
  exploit: "exploit",
  scan: "probing",
  bruteforce: "brute-force",
  dos: "dos",
  crawl: "crawl",
  test: "test",
};

/** A rule id from a hub name: `crowdsecurity/CVE-2022-26134` → `cve-2022-26134`, other authors keep theirs. */
export function ruleIdOf(name: string): string {
  const [author, rest] = name.includes("/") ? name.split("/", 2) : ["", name];
  const base = author && author !== "crowdsecurity" ? `${author}-${rest}` : rest;
  return base.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

export function translateScenario(s: HubScenario, at: Located): ScenarioResult {
  const fail = (reason: string, pos?: Pos): ScenarioResult => ({ ok: false, reason, at: pos ? `${at.file}:${at.filterLine + pos.line - 1}` : at.source });
  if (!s.name) return fail("no `name`");
  if (!s.filter) return fail("no `filter`");
  const type = s.type ?? "leaky";
  if (!["trigger", "leaky", "conditional"].includes(type)) return fail(`bucket type ${type} is not an HTTP request scenario edgeproof can window (trigger, leaky, conditional)`);
  if (s.cancel_on) return fail("`cancel_on` (an event that empties the bucket) has no sliding-window equivalent");
  const id = ruleIdOf(s.name);
  const notes = new Set<string>();
  const approximations: string[] = [];
  let node: Node;
  try {
    node = parseExpr(s.filter);
  } catch (err) {
    if (err instanceof ExprError) return fail(`filter does not parse: ${err.message.replace(/^\d+:\d+: /, "")}`, err.pos);
    throw err;
  }
  let expressed;
  try {
    const formula = filterFormula(node, notes);
    expressed = express(formula, id);
  } catch (err) {
    if (err instanceof TranslateError) {
      const constNotes = [...notes].filter((n) => n.includes("error-log"));
      return fail(constNotes.length && err.message.includes("never holds") ? `${err.message}: ${constNotes.join("; ")}` : err.message, err.pos);
    }
    throw err;
  }
  for (const n of notes) if (!n.includes("annotates")) approximations.push(n);
  // edgeproof's path always starts with `/` (an absolute-form target's scheme and host go to targetHost).
  if (expressed.classes.some((c) => c.match === "regex" && c.fields.some((f) => f === "path" || f === "uri") && c.items?.some((i) => /^\^[A-Za-z]/.test(i))))
    approximations.push("a pattern anchored on a scheme (`^http…`) never matches: edgeproof's path holds only the path of an absolute-form target, whose scheme and host it reads apart (targetHost)");
  if (expressed.match.some((p) => p.field === "static")) approximations.push("static_ressource is edgeproof's static-asset test, whose extension list differs slightly from http-logs'");

  // edgeproof keys security incidents by client and host; CrowdSec's source-ip buckets span hosts.
  const groupBy = groupByOf(s.groupby);
  if (typeof groupBy === "string") return fail(groupBy);

  const blackhole = s.blackhole && parseDuration(s.blackhole) !== undefined ? s.blackhole : undefined;
  let window: string;
  let when: Rule["when"];
  if (type === "trigger") {
    window = blackhole ?? "1m";
    when = [{ metric: "count", op: ">=", value: 1 }];
  } else {
    if (!s.leakspeed || parseDuration(s.leakspeed) === undefined) return fail("a leaky bucket without a valid `leakspeed`");
    window = s.leakspeed;
    let needed: number;
    if (type === "conditional") {
      const n = conditionCount(s.condition);
      if (typeof n === "string") return fail(n);
      needed = n;
    } else {
      if (typeof s.capacity !== "number" || s.capacity < 0) return fail("a leaky bucket without a `capacity`");
      needed = s.capacity + 1;
    }
    if (s.distinct) {
      const field = distinctField(s.distinct);
      if (!field) return fail(`distinct: ${s.distinct} has no HTTPEvent counterpart`);
      when = [{ metric: `distinct(${field})`, op: ">=", value: needed }];
    } else when = [{ metric: "count", op: ">=", value: needed }];
  }

  const labels = s.labels ?? {};
  const cves = cvesOf(labels);
  const behavior = typeof labels.behavior === "string" ? labels.behavior : undefined;
  const kindOf = behavior?.split(":")[1] ?? "scan";
  const exploit = kindOf === "exploit";
  for (const c of expressed.classes) c.exploit = exploit;
  const label = typeof labels.label === "string" ? labels.label : s.name;
  const missing = cves.filter((c) => !label.toUpperCase().includes(c));
  const rule: Rule = {
    id,
    name: missing.length ? `${label} (${missing.join(", ")})` : label,
    description: `CrowdSec hub scenario ${s.name}: ${firstLine(s.description) ?? label}`,
    kind: "security",
    category: BEHAVIOR_CATEGORY[kindOf] ?? kindOf,
    enabled: true,
    match: expressed.match,
    groupBy,
    window,
    cooldown: blackhole ?? window,
    when,
    // An exploit, a brute force or a DoS tool is acted on; a scan is context until it finds something.
    severity: exploit || kindOf === "bruteforce" || kindOf === "dos" ? "P3" : "P4",
    escalate: exploit
      ? [
          { outcome: ["partial"], severity: "P2" },
          { outcome: ["impact"], severity: "P1" },
        ]
      : [{ outcome: ["impact"], severity: "P2" }],
    recommendations: recommendationsOf(kindOf, cves),
    origin: {
      name: s.name,
      source: at.source,
      label,
      cves,
      ...(behavior ? { behavior } : {}),
      ...(typeof labels.confidence === "number" ? { confidence: labels.confidence } : {}),
      approximations,
    },
  };
  return { ok: true, rule, classes: expressed.classes, regexLists: expressed.regexLists, approximations };
}

function groupByOf(expr: string | undefined): Rule["groupBy"] | string {
  if (!expr) return ["clientIp", "host"];
  let node: Node;
  try {
    node = parseExpr(expr);
  } catch (err) {
    return `groupby does not parse: ${(err as Error).message}`;
  }
  const keys: Array<"clientIp" | "host"> = [];
  const walk = (n: Node): string | undefined => {
    if (n.kind === "binary" && n.op === "+") return walk(n.left) ?? walk(n.right);
    if (n.kind === "str") return undefined;
    const path = memberPath(n);
    const m = path ? CROWDSEC_FIELDS[path] : undefined;
    if (m?.kind !== "key") return `groupby on ${path ?? "a computed value"} (edgeproof groups by client, host or upstream)`;
    if (!keys.includes(m.field)) keys.push(m.field);
    return undefined;
  };
  const err = walk(node);
  if (err) return err;
  if (!keys.includes("clientIp")) return "groupby without the source address";
  return ["clientIp", "host"];
}

function distinctField(expr: string): EventField | undefined {
  try {
    const path = memberPath(parseExpr(expr));
    const m = path ? CROWDSEC_FIELDS[path] : undefined;
    return m?.kind === "text" ? m.field : undefined;
  } catch {
    return undefined;
  }
}

/** `len(queue.Queue) >= N` (and `>`), the only conditions with a window meaning. */
function conditionCount(cond: string | undefined): number | string {
  if (!cond) return "a conditional bucket without a `condition`";
  let node: Node;
  try {
    node = parseExpr(cond);
  } catch (err) {
    return `condition does not parse: ${(err as Error).message}`;
  }
  if (node.kind === "binary" && (node.op === ">=" || node.op === ">") && node.right.kind === "num") {
    const l = node.left;
    if (l.kind === "call" && memberPath(l.callee) === "len" && l.args.length === 1 && memberPath(l.args[0]) === "queue.Queue") return node.op === ">=" ? node.right.value : node.right.value + 1;
  }
  return `condition ${JSON.stringify(cond)} reads the bucket's events in a way a window count cannot express`;
}

function cvesOf(labels: Record<string, unknown>): string[] {
  const c = labels.classification;
  if (!Array.isArray(c)) return [];
  return c.flatMap((x) => (typeof x === "string" && /^cve\./i.test(x) ? [x.slice(4).toUpperCase()] : []));
}

function firstLine(s: string | undefined): string | undefined {
  const t = s?.split("\n").map((l) => l.trim()).find(Boolean);
  return t?.replace(/^"|"$/g, "");
}

function recommendationsOf(kind: string, cves: string[]): string[] {
  switch (kind) {
    case "exploit":
      return [
        cves.length
          ? `Check whether the targeted product is exposed and patched against ${cves.join(", ")}; any 2xx answer in the evidence must be reviewed in the application log.`
          : "Check every 2xx/5xx answer in the evidence against the application logs; patch or virtual-patch (WAF rule) the targeted component.",
        "Block the client at the edge if it is not a scanner you run.",
      ];
    case "bruteforce":
      return ["Rate-limit the endpoint per client and enable lock-out or a second factor; check the account names tried in the application log."];
    case "dos":
      return ["Rate-limit the client at the edge (ingress-nginx `limit-rps`, WAF or firewall) and check the upstream's capacity in the same window."];
    default:
      return ["Block or rate-limit the client at the edge if it is not a known scanner you run; review any 2xx answer in the evidence."];
  }
}
