/**
 * Aho-Corasick over ASCII with case folding, compiled to a dense transition table: one table read per
 * character, whatever the number of patterns. It answers "does any pattern occur?" and is used as a
 * prefilter: a value it rejects cannot match any signature entry, so the exact matchers (regex alternations,
 * which cost a scan per pattern group) run only for the rare values that pass.
 *
 * States are numbered so that accepting ones come last and rows are stored pre-multiplied: the inner loop is
 * two table reads and one comparison per character.
 *
 * A value containing a non-ASCII character always passes: case folding outside ASCII is the exact
 * matcher's business, and such values are rare in request lines.
 */
export class LiteralScanner {
  private readonly classOf = new Uint8Array(128);
  private readonly next: Uint32Array;
  /** Row offset of the first accepting state. */
  private readonly acceptFrom: number;

  /** Patterns must be non-empty ASCII; they are folded to lower case. */
  constructor(patterns: string[]) {
    let classes = 1;
    for (const p of patterns) {
      if (!p.length) throw new Error("LiteralScanner: empty pattern");
      for (let i = 0; i < p.length; i++) {
        const c = fold(p.charCodeAt(i));
        if (c >= 128) throw new Error(`LiteralScanner: non-ASCII pattern ${JSON.stringify(p)}`);
        if (this.classOf[c] === 0) this.classOf[c] = classes++;
      }
    }
    for (let c = 65; c <= 90; c++) this.classOf[c] = this.classOf[c + 32];

    // The trie, then breadth-first failure links giving the full transition function (plain state ids).
    const children: Array<Map<number, number>> = [new Map()];
    const terminal: boolean[] = [false];
    for (const p of patterns) {
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const k = this.classOf[fold(p.charCodeAt(i))];
        let t = children[s].get(k);
        if (t === undefined) {
          t = children.length;
          children.push(new Map());
          terminal.push(false);
          children[s].set(k, t);
        }
        s = t;
      }
      terminal[s] = true;
    }
    const n = children.length;
    const delta = new Uint32Array(n * classes);
    const accept = new Uint8Array(n);
    const fail = new Uint32Array(n);
    const queue: number[] = [0];
    for (let h = 0; h < queue.length; h++) {
      const s = queue[h];
      accept[s] = terminal[s] || (s !== 0 && accept[fail[s]]) ? 1 : 0;
      for (let k = 0; k < classes; k++) {
        const t = children[s].get(k);
        if (t === undefined) delta[s * classes + k] = s === 0 ? 0 : delta[fail[s] * classes + k];
        else {
          fail[t] = s === 0 ? 0 : delta[fail[s] * classes + k];
          delta[s * classes + k] = t;
          queue.push(t);
        }
      }
    }

    // Renumber: the root stays 0, accepting states go last; store each target as its row offset.
    const order = new Uint32Array(n);
    let id = 0;
    for (let s = 0; s < n; s++) if (!accept[s]) order[s] = id++;
    this.acceptFrom = id * classes;
    for (let s = 0; s < n; s++) if (accept[s]) order[s] = id++;
    this.next = new Uint32Array(n * classes);
    for (let s = 0; s < n; s++) for (let k = 0; k < classes; k++) this.next[order[s] * classes + k] = order[delta[s * classes + k]] * classes;
    if (n === 1) this.acceptFrom = Infinity;
  }

  /** Whether a pattern occurs in `a`, or in `a + joiner + b` when b is given (no string is built). */
  test(a: string, joiner?: number, b?: string): boolean {
    let s = this.scan(0, a);
    if (s < 0) return true;
    if (b === undefined || joiner === undefined) return false;
    s = this.next[s + this.classOf[joiner]];
    if (s >= this.acceptFrom) return true;
    return this.scan(s, b) < 0;
  }

  /** Runs from row s over the text; -1 once a pattern was seen (or a non-ASCII character). */
  private scan(s: number, text: string): number {
    const { next, classOf, acceptFrom } = this;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128) return -1;
      s = next[s + classOf[c]];
      if (s >= acceptFrom) return -1;
    }
    return s;
  }
}

function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
