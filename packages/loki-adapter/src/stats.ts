export interface LokiStats {
  requests: number;
  retries: number;
  pages: number;
  entries: number;
  duplicatesDropped: number;
  /** Response body bytes received, error bodies included. */
  bytes: number;
}

export function emptyStats(): LokiStats {
  return { requests: 0, retries: 0, pages: 0, entries: 0, duplicatesDropped: 0, bytes: 0 };
}
