// Redaction of credentials in anything an incident shows (evidence paths and user agents, top paths, proof).
// Everything here is a linear-time regex or a split: redaction runs on hostile input of up to 1 MiB per line.

/**
 * Parameter names whose values are credentials. A name matches when one of these equals a run of its words
 * (`X-Amz-Signature`, `user_password`, `accessToken`, `api-key`), or, for entries of 5+ letters, ends one of its
 * words (`authtoken`, `xsrftoken`, `adminpassword`).
 */
export const DEFAULT_SECRET_PARAMS: readonly string[] = [
  "token", "access_token", "refresh_token", "id_token", "auth_token", "api_key", "apikey", "key", "secret", "client_secret",
  "password", "passwd", "pwd", "pass", "passphrase", "session", "sessionid", "sess", "sid", "jsessionid", "phpsessid",
  "sig", "signature", "auth", "authorization", "jwt", "code", "credential", "credentials", "cookie", "bearer", "otp",
  "private_key", "assertion", "saml_response", "ticket",
];

/** What a credential is replaced with in every output. */
export const REDACTED = "[REDACTED]";

/** Removes credentials (secret query parameters, tokens) from text before it reaches an incident. */
export interface Redactor {
  /** Whether a parameter of this name (raw or percent-encoded) carries a credential. */
  isSecretName(name: string): boolean;
  /** A query string without its `?`. */
  query(query: string): string;
  /** Free text: paths, referers, user agents, whole URLs. */
  text(text: string): string;
}

// Whole tokens, recognisable wherever they appear.
const TOKEN_PATTERNS: RegExp[] = [
  // JWT / JWS / JWE: base64url JSON header `{"` is always `eyJ`. Only at the start of a base64url run, so a run of
  // `eyJeyJ…` without dots costs one scan, not one per occurrence.
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*){0,3}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g,
  /\bglpat-[A-Za-z0-9_-]{20,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/g,
  /\bAIza[0-9A-Za-z_-]{35}/g,
];
// `scheme://user:password@host`, also percent-encoded inside another URL's parameter. Both runs are bounded:
// unbounded, a long run of letters (or of encoded `://`) without `@` would be rescanned from every position.
// (Redaction only runs on what an incident shows, at most a few dozen strings, never per input line.)
const USERINFO = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}(?::\/\/|%3a%2f%2f))[^\s/@?#]{1,512}(?:@|%40)/gi;
const AUTH_SCHEME = /\b(Bearer|Basic|Digest|Token|Negotiate|NTLM)(\s+|%20|\+)[A-Za-z0-9._~+/=-]{8,}/gi;
// Header dumps inside a line (`Cookie: a=1; b=2`): the whole value up to the end of the line.
const HEADER = /\b((?:proxy-)?authorization|(?:set-)?cookie|x-api-key|x-auth-token|x-amz-security-token)(\s*:\s*)[^\r\n]+/gi;
// `name=` after a URL delimiter, raw or percent-encoded (a URL nested in another URL's parameter: `next=%2Fcb%3Fcode%3DX`).
const KEY = /(^|[?&;#/\s,]|%(?:3f|26|3b|23|2f))((?:(?!%(?:3d|26|3b|23|3f|2f))[^=&;#?/\s,])+)(?:=|%3d)/gi;
// A secret's value runs to the next pair, so it is removed whole whatever it contains (`/`, `?`, `=`).
const VALUE = /(?:(?!%(?:26|3b|23))[^&;#\s,"'])*/y;

/** A redactor for the given secret parameter names (see DEFAULT_SECRET_PARAMS for how names match). */
export function createRedactor(secretParams: readonly string[] = DEFAULT_SECRET_PARAMS): Redactor {
  const exact = new Set(secretParams.map((p) => words(p).join("")).filter(Boolean));
  const suffixes = [...exact].filter((p) => p.length >= 5);
  const memo = new Map<string, boolean>();

  function isSecretName(name: string): boolean {
    let hit = memo.get(name);
    if (hit !== undefined) return hit;
    const w = words(safeDecode(name));
    hit = false;
    for (let i = 0; i < w.length && !hit; i++) {
      let run = "";
      for (let j = i; j < w.length && !hit; j++) hit = exact.has((run += w[j]));
      hit ||= suffixes.some((s) => w[i].endsWith(s));
    }
    if (memo.size > 10_000) memo.clear();
    memo.set(name, hit);
    return hit;
  }

  function text(input: string): string {
    let out = input;
    for (const re of TOKEN_PATTERNS) out = out.replace(re, REDACTED);
    out = out.replace(USERINFO, `$1${REDACTED}@`).replace(AUTH_SCHEME, `$1$2${REDACTED}`).replace(HEADER, `$1$2${REDACTED}`);
    return secretValues(out);
  }

  // Scanning goes on right after each non-secret `name=`, so pairs nested in its value are found at any depth,
  // and every character is looked at a bounded number of times.
  function secretValues(input: string): string {
    let out = "";
    let last = 0;
    KEY.lastIndex = 0;
    for (let m = KEY.exec(input); m; m = KEY.exec(input)) {
      if (!isSecretName(m[2])) continue;
      const start = KEY.lastIndex;
      VALUE.lastIndex = start;
      VALUE.exec(input);
      const end = VALUE.lastIndex;
      if (end === start || input.startsWith(REDACTED, start)) continue;
      out += input.slice(last, start) + REDACTED;
      last = KEY.lastIndex = end;
    }
    return out + input.slice(last);
  }

  return { isSecretName, query: text, text };
}

/** Splits a parameter name into lower-case words: `X-Amz-Signature` → x amz signature, `AWSAccessKeyId` → aws access key id. */
function words(name: string): string[] {
  return (name.match(/[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+/g) ?? []).map((w) => w.toLowerCase());
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export const DEFAULT_REDACTOR = createRedactor();

/** Redacts a query string (without `?`) with the default secret names. */
export function redactQuery(query: string): string {
  return DEFAULT_REDACTOR.query(query);
}

/** Redacts free text (paths, referers, user agents) with the default secret names. */
export function redactText(text: string): string {
  return DEFAULT_REDACTOR.text(text);
}
