import { from, type Observable } from "rxjs";
import type { BackendSrv, BackendSrvRequest, FetchResponse } from "@grafana/runtime";

/**
 * What Grafana's data source proxy does for this plugin, minus Grafana: requests to `<proxy>/edgeproof/…`
 * go to the real `edgeproof serve` URL with the bearer token added. Errors take BackendSrv's shape
 * ({ status, data }), which is what the datasource handles in Grafana.
 */
export function proxyBackendSrv(proxyPrefix: string, serverUrl: string, token?: string): BackendSrv {
  const fetchFn = <T>(opts: BackendSrvRequest): Observable<FetchResponse<T>> =>
    from(
      (async () => {
        if (!opts.url.startsWith(proxyPrefix)) throw new Error(`request outside the proxy route: ${opts.url}`);
        const qs = new URLSearchParams(opts.params as Record<string, string>).toString();
        const url = serverUrl + opts.url.slice(proxyPrefix.length) + (qs ? `?${qs}` : "");
        const res = await fetch(url, { method: opts.method ?? "GET", headers: token ? { authorization: `Bearer ${token}` } : {} });
        const data = (await res.json().catch(() => undefined)) as T;
        const response = { data, status: res.status, statusText: res.statusText, ok: res.ok, headers: res.headers, redirected: false, type: res.type, url, config: opts } as FetchResponse<T>;
        if (!res.ok) throw { status: res.status, statusText: res.statusText, data, config: opts };
        return response;
      })(),
    );
  return { fetch: fetchFn } as unknown as BackendSrv;
}
