/**
 * Go RE2 patterns (what expr's `matches` and CrowdSec's RegexpInFile compile) as JavaScript ones. The two
 * dialects agree on what the hub's patterns use except a few spellings, handled while walking the pattern
 * (escapes and character classes are stepped over, never rewritten): `(?P<name>…)` groups become
 * non-capturing (matching does not read captures), a leading `(?i)` becomes the case-insensitive flag.
 * Anything else RE2-only (`\z`, `\Q…\E`, POSIX `[[:alpha:]]`, other inline flags) is refused with a reason.
 */
export type GoRegex = { ok: true; source: string; ignoreCase: boolean } | { ok: false; reason: string };

export function goRegexToJs(pattern: string): GoRegex {
  let ignoreCase = false;
  let i = 0;
  if (pattern.startsWith("(?i)")) {
    ignoreCase = true;
    i = 4;
  }
  let out = "";
  let inClass = false;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "\\") {
      const e = pattern[i + 1];
      if (e === undefined) return { ok: false, reason: "pattern ends in a backslash" };
      if (e === "z" || e === "Q" || e === "E" || e === "C") return { ok: false, reason: `RE2-only escape \\${e}` };
      if (e === "A" && !inClass) {
        out += "^";
      } else out += c + e;
      i += 2;
      continue;
    }
    if (inClass) {
      if (pattern.startsWith("[:", i)) return { ok: false, reason: "POSIX character class" };
      if (c === "]") inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      i++;
      // A `]` or `^]` right after the opening bracket is a literal in both dialects.
      if (pattern[i] === "^") (out += "^"), i++;
      if (pattern[i] === "]") (out += "\\]"), i++;
      continue;
    }
    if (pattern.startsWith("(?P<", i)) {
      const end = pattern.indexOf(">", i);
      if (end < 0) return { ok: false, reason: "unterminated group name" };
      out += "(?:";
      i = end + 1;
      continue;
    }
    if (pattern.startsWith("(?", i) && pattern[i + 2] !== ":") return { ok: false, reason: `inline flags or group syntax ${pattern.slice(i, i + 4)} inside the pattern` };
    out += c;
    i++;
  }
  if (inClass) return { ok: false, reason: "unterminated character class" };
  try {
    new RegExp(out, ignoreCase ? "i" : "");
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  return { ok: true, source: linearizeGaps(out), ignoreCase };
}

/**
 * A search-equivalent spelling of `A.*B.*C` that JavaScript's backtracking runs in quadratic rather than
 * cubic time (RE2 runs either in linear time, so hub authors write the first). For a search, `.*P` followed by
 * another gap or the end can take the FIRST occurrence of P on the line: a later one leaves less text for the
 * rest, never more. So each such gap becomes the tempered `(?:(?!P).)*`, which cannot backtrack. Also
 * search-neutral, and dropped: a leading gap of an unanchored pattern, trailing gaps, `(?:X)?` between `^`
 * and a gap when X holds only plain characters and `.`, and the parentheses of unquantified groups without
 * alternatives. Any other pattern comes back unchanged.
 */
export function linearizeGaps(source: string): string {
  const atoms = topLevelAtoms(source);
  if (!atoms) return source;
  let seq = unwrapGroups(atoms);
  if (!seq) return source;
  const anchored = seq[0]?.text === "^";
  if (anchored) {
    seq = seq.slice(1);
    // `^(?:X)?.*` is `^.*` when X cannot match a line break: no escapes, no classes.
    if (seq[0]?.group !== undefined && seq[0].quant === "?" && !/[\\[]/.test(seq[0].group) && isGap(seq[1])) seq = seq.slice(1);
  } else while (seq.length && isGap(seq[0])) seq = seq.slice(1);
  while (seq.length && isGap(seq[seq.length - 1])) seq = seq.slice(0, -1);
  const pieces: Atom[][] = [[]];
  for (const a of seq) if (isGap(a)) pieces.push([]);
  else pieces[pieces.length - 1].push(a);
  if (pieces.length < 3 || pieces.slice(1).some((p) => !p.length) || (!anchored && !pieces[0].length)) return source;
  const simple = (p: Atom[]) => p.every((a) => !a.quant && !a.group && a.text !== "^" && a.text !== "$" && a.text !== ".");
  if (!pieces.slice(1).every(simple)) return source;
  const text = (p: Atom[]) => p.map((a) => a.text + a.quant).join("");
  return (anchored ? "^" : "") + text(pieces[0]) + pieces.slice(1).map((p) => `(?:(?!${text(p)}).)*${text(p)}`).join("");
}

interface Atom {
  text: string;
  quant: string;
  /** Inner pattern of a `(?:…)` group. */
  group?: string;
}

function isGap(a: Atom | undefined): boolean {
  return a !== undefined && a.text === "." && a.quant === "*";
}

/** The top-level atoms of a pattern, or undefined when it has a top-level alternative. */
function topLevelAtoms(s: string): Atom[] | undefined {
  const out: Atom[] = [];
  let i = 0;
  while (i < s.length) {
    const start = i;
    const c = s[i];
    let group: string | undefined;
    if (c === "|") return undefined;
    if (c === "\\") i += 2;
    else if (c === "[") {
      i++;
      if (s[i] === "^") i++;
      if (s[i] === "]") i++;
      while (i < s.length && s[i] !== "]") i += s[i] === "\\" ? 2 : 1;
      i++;
    } else if (c === "(") {
      let depth = 0;
      let inClass = false;
      for (; i < s.length; i++) {
        const d = s[i];
        if (d === "\\") i++;
        else if (inClass) inClass = d !== "]";
        else if (d === "[") inClass = true;
        else if (d === "(") depth++;
        else if (d === ")" && --depth === 0) break;
      }
      i++;
      if (s.startsWith("(?:", start)) group = s.slice(start + 3, i - 1);
    } else i++;
    const text = s.slice(start, i);
    const q = /^(?:[*+?]|\{\d+(?:,\d*)?\})\??/.exec(s.slice(i))?.[0] ?? "";
    i += q.length;
    out.push({ text, quant: q, ...(group !== undefined ? { group } : {}) });
  }
  return out;
}

function unwrapGroups(atoms: Atom[]): Atom[] | undefined {
  const out: Atom[] = [];
  for (const a of atoms) {
    if (a.group !== undefined && !a.quant) {
      const inner = topLevelAtoms(a.group);
      if (!inner) {
        out.push(a);
        continue;
      }
      const flat = unwrapGroups(inner);
      if (!flat) return undefined;
      out.push(...flat);
    } else out.push(a);
  }
  return out;
}
