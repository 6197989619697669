/**
 * A line of space-separated fields where a field may be `"quoted"` (with `\"` inside), as AWS load balancers
 * and nginx-style formats write them. Fields come back as logged (quotes removed, escapes NOT decoded: the
 * request line is decoded by parseRequest, other values by the caller); at most `max` are
 * read (a hostile line costs no more than a normal one). With `restAt`, the text after that many fields is
 * one last field, as is (a format whose last value may hold spaces).
 */
export function splitFields(line: string, from = 0, max = 64, restAt = Infinity): string[] {
  const out: string[] = [];
  let i = from;
  while (i < line.length && out.length < max) {
    while (line.charCodeAt(i) === 32) i++;
    if (i >= line.length) break;
    if (out.length === restAt) {
      out.push(line.slice(i));
      break;
    }
    if (line.charCodeAt(i) === 34) {
      let e = line.indexOf('"', i + 1);
      while (e > 0 && line.charCodeAt(e - 1) === 92) e = line.indexOf('"', e + 1);
      if (e < 0) e = line.length;
      out.push(line.slice(i + 1, e));
      i = e + 1;
    } else {
      let e = line.indexOf(" ", i);
      if (e < 0) e = line.length;
      out.push(line.slice(i, e));
      i = e;
    }
  }
  return out;
}
