const WITH_DATE = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d [^ ]+ [^ :]+: /;
const TAG_ONLY = /^[^ "[]+ [^ :"[]+\[\d+\]: /;
/** Relays sometimes stack a second, pid-less `host prog: ` after the first header. */
const STACKED = /^[^ "[]+ [^ :"[\]]+: (?=\d{4}\/)/;

/**
 * Strips a syslog header that `access_log syslog:`, journald exports and rsyslog put in front of a line:
 * RFC 3164 `Sep 15 16:13:46 host nginx[2869]: ` or the date-less `host nginx[2833]: `. The regexes only
 * run when a cheap look at the first bytes says such a header may be there, keeping ordinary lines fast.
 */
export function stripSyslogPrefix(line: string): string {
  const c = line.charCodeAt(0);
  let m: RegExpExecArray | null = null;
  if (c >= 65 && c <= 90) m = WITH_DATE.exec(line);
  if (!m) {
    // Date-less form: the second token ends with `]:`.
    const s1 = line.indexOf(" ");
    const s2 = s1 < 0 || s1 > 100 ? -1 : line.indexOf(" ", s1 + 1);
    if (s2 > 2 && line.charCodeAt(s2 - 1) === 58 && line.charCodeAt(s2 - 2) === 93) m = TAG_ONLY.exec(line);
  }
  if (!m) return line;
  const rest = line.slice(m[0].length);
  const again = STACKED.exec(rest);
  return again ? rest.slice(again[0].length) : rest;
}
