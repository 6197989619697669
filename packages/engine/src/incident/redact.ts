// Names of query parameters whose values are credentials; matched as whole words inside the name.
const SECRET_PARAM = /(?:^|[_\-.])(?:token|access[_-]?token|id[_-]?token|refresh[_-]?token|api[_-]?key|apikey|key|secret|password|passwd|pwd|pass|session|sessionid|sid|sig|signature|auth|authorization|jwt|code|credential|credentials|x-amz-signature|x-amz-credential|x-goog-signature)(?:$|[_\-.])/i;
const JWT = /eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g;
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

export const REDACTED = "[REDACTED]";

/** Redacts a query string (without `?`): values of secret-named parameters, and any JWT. */
export function redactQuery(query: string): string {
  return query
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq < 0) return pair;
      const name = safeDecode(pair.slice(0, eq));
      return SECRET_PARAM.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join("&")
    .replace(JWT, REDACTED);
}

/** Redacts free text (paths, referers, user agents): JWTs, URL user info, bearer/basic credentials, secret query params in embedded URLs. */
export function redactText(text: string): string {
  let out = text.replace(JWT, REDACTED).replace(USERINFO, `$1${REDACTED}@`).replace(BEARER, `$1 ${REDACTED}`);
  const q = out.indexOf("?");
  if (q >= 0) out = out.slice(0, q + 1) + redactQuery(out.slice(q + 1));
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
