import type { HTTPEvent } from "./http-event.js";
import { requestUri } from "./observed-event.js";

/**
 * Views of the request target that CrowdSec's http-logs parser derives and hub scenarios test: the last path
 * segment split into name and extension (its `file_dir`, `file_frag`, `file_ext`, `file_name` grok), and the
 * target percent-decoded (its `PathUnescape`/`QueryUnescape` helpers). Derived on demand: only rules that
 * name them pay.
 */

/** `file_dir`: the path up to and including its last `/`; undefined for a path without one. */
export function fileDir(path: string): string | undefined {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? undefined : path.slice(0, slash + 1);
}

/** `file_name`: the last path segment (empty for a path ending in `/`). */
export function fileName(path: string): string | undefined {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? undefined : path.slice(slash + 1);
}

/** `file_ext`: the last segment's extension with its dot; a leading dot (`.env`) is no extension. */
export function fileExt(path: string): string | undefined {
  const slash = path.lastIndexOf("/");
  if (slash < 0) return undefined;
  const dot = path.lastIndexOf(".");
  return dot >= slash + 2 ? path.slice(dot) : "";
}

/** `file_frag`: the last segment without its extension (sliced from the path: rules read it for every GET). */
export function fileFrag(path: string): string | undefined {
  const slash = path.lastIndexOf("/");
  if (slash < 0) return undefined;
  const dot = path.lastIndexOf(".");
  return dot >= slash + 2 ? path.slice(slash + 1, dot) : path.slice(slash + 1);
}

/**
 * Go's url.PathUnescape (form: false) or url.QueryUnescape (form: true, `+` is a space), as CrowdSec's helpers
 * call them: an invalid escape leaves the text as it was. Decoded bytes become the characters of the same
 * code (Latin-1): the signatures that read these fields are ASCII, and no byte is lost.
 */
export function unescapeTarget(s: string, form: boolean): string {
  if (s.indexOf("%") < 0 && (!form || s.indexOf("+") < 0)) return s;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      const h = hex(s.charCodeAt(i + 1));
      const l = hex(s.charCodeAt(i + 2));
      if (h < 0 || l < 0) return s;
      out += String.fromCharCode(h * 16 + l);
      i += 2;
    } else out += form && c === 43 ? " " : s[i];
  }
  return out;
}

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

export function uriDecoded(e: HTTPEvent): string {
  return unescapeTarget(requestUri(e), false);
}

export function uriFormDecoded(e: HTTPEvent): string {
  return unescapeTarget(requestUri(e), true);
}
