// The modules Grafana shares with plugins, bundled once for the harness page and registered under the
// names plugin bundles import (SystemJS import map `name` → `app:name`), as Grafana's own loader does.
import * as React from "react";
import * as jsxRuntime from "react/jsx-runtime";
import * as ReactDOM from "react-dom";
import * as ReactDOMClient from "react-dom/client";
import * as grafanaData from "@grafana/data";
import * as grafanaUi from "@grafana/ui";
import * as grafanaRuntime from "@grafana/runtime";
import * as rxjs from "rxjs";

declare const System: { set(id: string, ns: unknown): void };

const shared: Record<string, unknown> = {
  react: React,
  "react/jsx-runtime": jsxRuntime,
  "react-dom": ReactDOM,
  "react-dom/client": ReactDOMClient,
  "@grafana/data": grafanaData,
  "@grafana/ui": grafanaUi,
  "@grafana/runtime": grafanaRuntime,
  rxjs,
};
for (const [name, ns] of Object.entries(shared)) System.set(`app:${name}`, { ...(ns as object), default: (ns as { default?: unknown }).default ?? ns });
