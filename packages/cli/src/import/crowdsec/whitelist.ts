import type { Exclusion } from "@edgeproof/engine";
import { ExprError, parseExpr } from "./expr.js";
import { filterFormula, TranslateError, type Formula } from "./filter.js";
import { express } from "./express.js";
import { ruleIdOf } from "./scenario.js";

/**
 * A hub whitelist parser (`whitelist.expression: [...]`) as pack exclusions: each expression, put in
 * disjunctive form, gives one exclusion per alternative (a conjunction of predicates). `whitelist.ip` and
 * `cidr` lists (the private-address whitelist) are not application whitelists and are reported as such.
 */
export interface HubWhitelist {
  name?: string;
  description?: string;
  whitelist?: { reason?: string; expression?: string[]; ip?: string[]; cidr?: string[] };
}

export type WhitelistResult = { exclusions: Exclusion[]; skipped: Array<{ at: string; reason: string }> };

export function translateWhitelist(w: HubWhitelist, file: string, expressionLines: number[]): WhitelistResult {
  const out: WhitelistResult = { exclusions: [], skipped: [] };
  const name = w.name ?? file;
  const base = ruleIdOf(name);
  if (w.whitelist?.ip?.length || w.whitelist?.cidr?.length) {
    out.skipped.push({ at: `${file}:${expressionLines[0] ?? 1}`, reason: "an address whitelist (ip/cidr) is a deployment choice, not a request pattern: edgeproof keys incidents by client and leaves address allow-lists to the operator" });
  }
  (w.whitelist?.expression ?? []).forEach((text, i) => {
    const at = `${file}:${expressionLines[i] ?? 1}`;
    let formula: Formula;
    try {
      formula = filterFormula(parseExpr(text), new Set());
    } catch (err) {
      if (err instanceof ExprError || err instanceof TranslateError) {
        out.skipped.push({ at, reason: err.message });
        return;
      }
      throw err;
    }
    const alternatives = dnf(formula);
    alternatives.forEach((conj, j) => {
      if (!conj.length) {
        out.skipped.push({ at, reason: "the expression holds for every request: as an exclusion it would hide all traffic" });
        return;
      }
      try {
        const { match } = express(conj.length === 1 ? conj[0] : { t: "and", xs: conj }, base, true);
        const id = `${base}-${i + 1}${alternatives.length > 1 ? `-${j + 1}` : ""}`;
        out.exclusions.push({ id, reason: `${w.whitelist?.reason ?? name}: ${name} expression ${i + 1}`, source: at, match });
      } catch (err) {
        if (!(err instanceof TranslateError)) throw err;
        out.skipped.push({ at, reason: err.message });
      }
    });
  });
  return out;
}

/** The alternatives of a formula, each a conjunction of atoms (bounded: whitelists are small). */
function dnf(f: Formula): Formula[][] {
  switch (f.t) {
    case "or":
      return f.xs.flatMap(dnf);
    case "and":
      return f.xs.map(dnf).reduce<Formula[][]>((acc, alts) => acc.flatMap((a) => alts.map((b) => [...a, ...b])), [[]]);
    case "const":
      return f.value ? [[]] : [];
    default:
      return [[f]];
  }
}
