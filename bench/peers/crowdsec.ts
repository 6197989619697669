import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";

/** Where the Debian package keeps its offline hub data files. */
const PACKAGE_DATA = "/var/lib/crowdsec/data";
const LAPI = "127.0.0.1:47861";

/**
 * A private CrowdSec 1.4.6 setup for replay runs, as in shared/design/PEERS.md: own data_dir (with the
 * `http_path_traversal.txt` copy the 1.4.6 package lacks), own SQLite DB, in-process LAPI on loopback,
 * no CAPI, no prometheus. Parsers and scenarios are the package's, enabled under /etc/crowdsec.
 */
export function prepareCrowdsec(workDir: string): { config: string; db: string } {
  const dir = resolve(workDir);
  const data = join(dir, "data");
  mkdirSync(data, { recursive: true });
  for (const f of readdirSync(PACKAGE_DATA)) if (!f.endsWith(".db")) copyFileSync(join(PACKAGE_DATA, f), join(data, f));
  if (existsSync(join(data, "path_traversal.txt"))) copyFileSync(join(data, "path_traversal.txt"), join(data, "http_path_traversal.txt"));
  writeFileSync(join(dir, "acquis.yaml"), "");
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    `common:
  daemonize: false
  log_media: stdout
  log_level: warning
  working_dir: .
config_paths:
  config_dir: /etc/crowdsec/
  data_dir: ${data}/
  simulation_path: /etc/crowdsec/simulation.yaml
  hub_dir: /var/lib/crowdsec/hub/
  index_path: /var/lib/crowdsec/hub/.index.json
  notification_dir: /etc/crowdsec/notifications/
  plugin_dir: /usr/lib/crowdsec/plugins/
crowdsec_service:
  acquisition_path: ${dir}/acquis.yaml
  parser_routines: 1
db_config:
  log_level: warning
  type: sqlite
  use_wal: false
  db_path: ${dir}/crowdsec.db
api:
  client:
    insecure_skip_verify: false
    credentials_path: ${dir}/local_api_credentials.yaml
  server:
    log_level: warning
    listen_uri: ${LAPI}
    profiles_path: /etc/crowdsec/profiles.yaml
prometheus:
  enabled: false
`,
  );
  return { config, db: join(dir, "crowdsec.db") };
}

/** A fresh DB and machine login before each replay, so alerts counted afterwards are this run's only. */
export function resetCrowdsec(cfg: { config: string; db: string }, workDir: string): void {
  rmSync(cfg.db, { force: true });
  const r = spawnSync("cscli", ["-c", cfg.config, "machines", "add", "bench", "--auto", "--force", "-f", join(resolve(workDir), "local_api_credentials.yaml")], {
    stdio: "ignore",
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error("cscli machines add failed: is crowdsec installed and configured (see PEERS.md)?");
}

export function crowdsecArgs(cfg: { config: string }, slice: string): string[] {
  return ["-c", cfg.config, "-dsn", `file://${resolve(slice)}`, "-type", "nginx", "-no-capi"];
}

/** "N alerts from M IPs" read straight from the SQLite DB (cscli alerts needs a running LAPI). */
export function crowdsecFound(cfg: { db: string }): string {
  const r = spawnSync("sqlite3", [cfg.db, "select count(*) || ' alerts from ' || count(distinct source_ip) || ' IPs' from alerts;"], { encoding: "utf8", timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : "alerts unreadable (sqlite3 missing?)";
}
