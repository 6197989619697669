import type { EventField } from "@edgeproof/engine";

/**
 * What the `evt.*` fields of a hub filter hold once CrowdSec's nginx-logs and http-logs parsers ran
 * (parsers/nginx-logs.yaml, parsers/http-logs.yaml), and the HTTPEvent field that holds the same text.
 *
 * - `evt.Meta.http_path` is the request target as logged, query included (`Parsed.request` before the
 *   http-logs split): edgeproof's `uri`.
 * - `evt.Parsed.request` is the same target cut at its `?` by http-logs (`^%{GREEDYDATA:request}\?…`):
 *   edgeproof's `path`. `evt.Parsed.http_args` is what follows the `?`: `query`.
 * - `file_dir`, `file_frag`, `file_ext`, `file_name` are the http-logs grok of that path.
 * - `http_status` is a string in CrowdSec; the status compares as its decimal text.
 */
export type FieldMapping =
  | { kind: "text"; field: EventField; note?: string }
  | { kind: "status" }
  | { kind: "static" }
  | { kind: "length"; field: "queryLength" }
  /** A value every access-log event has the same of (or none of): the test folds to a constant. */
  | { kind: "const"; value: string; note?: string }
  | { kind: "key"; field: "clientIp" | "host" };

const TEXT = (field: EventField, note?: string): FieldMapping => ({ kind: "text", field, ...(note ? { note } : {}) });

export const CROWDSEC_FIELDS: Record<string, FieldMapping> = {
  "evt.Meta.http_path": TEXT("uri"),
  "evt.Parsed.request": TEXT("path"),
  "evt.Parsed.http_args": TEXT("query"),
  "evt.Meta.http_verb": TEXT("method"),
  "evt.Parsed.verb": TEXT("method"),
  "evt.Meta.http_user_agent": TEXT("userAgent"),
  "evt.Parsed.http_user_agent": TEXT("userAgent"),
  "evt.Parsed.http_referer": TEXT("referer"),
  "evt.Parsed.http_version": TEXT("httpVersion"),
  "evt.Parsed.file_name": TEXT("fileName"),
  "evt.Parsed.file_ext": TEXT("fileExt"),
  "evt.Parsed.file_frag": TEXT("fileFrag"),
  "evt.Parsed.file_dir": TEXT("fileDir"),
  "evt.Meta.http_status": { kind: "status" },
  "evt.Parsed.status": { kind: "status" },
  "evt.Parsed.static_ressource": { kind: "static" },
  "evt.Meta.http_args_len": { kind: "length", field: "queryLength" },
  "evt.Meta.log_type": { kind: "const", value: "http_access-log" },
  "evt.Meta.service": { kind: "const", value: "http" },
  "evt.Meta.sub_type": {
    kind: "const",
    value: "",
    note: "evt.Meta.sub_type is set only for nginx error-log lines (auth failures, rate limiting); edgeproof evaluates access logs",
  },
  "evt.Parsed.rawrequest": {
    kind: "const",
    value: "",
    note: "evt.Parsed.rawrequest is set by the apache2 parser only and is empty for the nginx-style formats; the filter's other branches still apply",
  },
  "evt.Meta.source_ip": { kind: "key", field: "clientIp" },
  "evt.Parsed.remote_addr": { kind: "key", field: "clientIp" },
  "evt.Parsed.target_fqdn": { kind: "key", field: "host" },
  "evt.Meta.target_fqdn": { kind: "key", field: "host" },
};
