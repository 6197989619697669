import { useEffect, useState, type ChangeEvent } from "react";
import type { QueryEditorProps, SelectableValue } from "@grafana/data";
import { InlineField, InlineSwitch, Input, Select, Stack } from "@grafana/ui";
import type { DataSource } from "../datasource";
import { DETAIL_PARTS, PART_FEATURE, type DetailPart, type EdgeproofOptions, type EdgeproofQuery, type QueryType } from "../types";

type Props = QueryEditorProps<DataSource, EdgeproofQuery, EdgeproofOptions>;

/** Query types and the server feature each needs; a type whose feature is off is not offered at all. */
const TYPES: Array<SelectableValue<QueryType> & { feature: string }> = [
  { label: "Incidents", value: "incidents", feature: "incidents", description: "Table of incidents in the time range" },
  { label: "Incident detail", value: "incident", feature: "incident-detail", description: "Proof block, evidence, RCA, recommendations" },
  { label: "Summary", value: "summary", feature: "summary", description: "Counts by kind and severity (last 24h tile)" },
  { label: "Time series", value: "timeseries", feature: "timeseries", description: "Request, 4xx and 5xx rates" },
  { label: "Annotations", value: "annotations", feature: "annotations", description: "Incidents as regions on graphs" },
];

const FILTERS = [
  { key: "kind", label: "Kind", placeholder: "$kind or security" },
  { key: "severity", label: "Severity", placeholder: "$severity or P0,P1" },
  { key: "host", label: "Host", placeholder: "$host" },
  { key: "upstream", label: "Upstream", placeholder: "$upstream" },
  { key: "clientIp", label: "Client IP", placeholder: "203.0.113.7" },
] as const;

export function QueryEditor({ query, onChange, onRunQuery, datasource }: Props) {
  const [features, setFeatures] = useState<string[] | undefined>();
  useEffect(() => {
    let live = true;
    datasource.getCapabilities().then(
      (c) => live && setFeatures(c.features),
      () => live && setFeatures(undefined),
    );
    return () => {
      live = false;
    };
  }, [datasource]);

  const type = query.queryType ?? "incidents";
  const options = TYPES.filter((t) => !features || features.includes(t.feature));
  const set = (patch: Partial<EdgeproofQuery>, run = false) => {
    onChange({ ...query, ...patch });
    if (run) onRunQuery();
  };
  const text = (key: keyof EdgeproofQuery) => (e: ChangeEvent<HTMLInputElement>) => set({ [key]: e.target.value || undefined });
  const shownFilters = type === "incident" ? [] : type === "timeseries" ? FILTERS.filter((f) => f.key === (query.by ?? "host")) : FILTERS;

  return (
    <Stack direction="column" gap={1}>
      <Stack direction="row" gap={1} wrap="wrap">
        <InlineField label="Query type" labelWidth={14}>
          <Select<QueryType> inputId="edgeproof-query-type" width={24} options={options} value={type} onChange={(v) => set({ queryType: v.value }, true)} />
        </InlineField>
        {type === "incident" && (
          <InlineField label="Incident id" labelWidth={14} tooltip="Usually the $incident variable, set by the incidents table's data link">
            <Input id="edgeproof-incident-id" width={24} value={query.incidentId ?? ""} placeholder="$incident" onChange={text("incidentId")} onBlur={onRunQuery} />
          </InlineField>
        )}
        {type === "incident" && (
          <InlineField label="Part" labelWidth={8} tooltip="Show one part in this panel, or every frame">
            <Select<DetailPart | "">
              inputId="edgeproof-part"
              width={20}
              options={[{ label: "all", value: "" }, ...DETAIL_PARTS.filter((p) => !PART_FEATURE[p] || features?.includes(PART_FEATURE[p]!)).map((p) => ({ label: p, value: p }))]}
              value={query.part ?? ""}
              onChange={(v) => set({ part: v.value || undefined }, true)}
            />
          </InlineField>
        )}
        {type === "timeseries" && (
          <InlineField label="Per" labelWidth={8}>
            <Select<"host" | "upstream">
              inputId="edgeproof-by"
              width={16}
              options={[
                { label: "host", value: "host" },
                { label: "upstream", value: "upstream" },
              ]}
              value={query.by ?? "host"}
              onChange={(v) => set({ by: v.value }, true)}
            />
          </InlineField>
        )}
        {(type === "incidents" || type === "annotations") && (
          <InlineField label="Limit" labelWidth={8}>
            <Input
              id="edgeproof-limit"
              type="number"
              width={10}
              min={1}
              max={1000}
              value={query.limit ?? ""}
              onChange={(e: ChangeEvent<HTMLInputElement>) => set({ limit: e.target.value ? Number(e.target.value) : undefined })}
              onBlur={onRunQuery}
            />
          </InlineField>
        )}
        {type === "summary" && (
          <InlineField label="Dashboard range" labelWidth={16} tooltip="Off: the server's last 24 hours of event time">
            <InlineSwitch id="edgeproof-use-range" value={Boolean(query.useDashboardRange)} onChange={(e) => set({ useDashboardRange: e.currentTarget.checked }, true)} />
          </InlineField>
        )}
      </Stack>
      {shownFilters.length > 0 && (
        <Stack direction="row" gap={1} wrap="wrap">
          {shownFilters.map((f) => (
            <InlineField key={f.key} label={f.label} labelWidth={11}>
              <Input id={`edgeproof-${f.key}`} width={20} value={query[f.key] ?? ""} placeholder={f.placeholder} onChange={text(f.key)} onBlur={onRunQuery} />
            </InlineField>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
