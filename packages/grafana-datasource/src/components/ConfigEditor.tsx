import type { ChangeEvent } from "react";
import type { DataSourcePluginOptionsEditorProps } from "@grafana/data";
import { Field, Input, SecretInput, Stack } from "@grafana/ui";
import type { EdgeproofOptions, EdgeproofSecureJsonData } from "../types";

type Props = DataSourcePluginOptionsEditorProps<EdgeproofOptions, EdgeproofSecureJsonData>;

/** Server URL (used by the proxy route) and the optional bearer token, stored as secure JSON data. */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;
  const onUrl = (e: ChangeEvent<HTMLInputElement>) => onOptionsChange({ ...options, jsonData: { ...jsonData, url: e.target.value } });
  const onToken = (e: ChangeEvent<HTMLInputElement>) => onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, token: e.target.value } });
  const onResetToken = () =>
    onOptionsChange({ ...options, secureJsonFields: { ...secureJsonFields, token: false }, secureJsonData: { ...secureJsonData, token: "" } });
  return (
    <Stack direction="column" gap={1}>
      <Field label="edgeproof serve URL" description="Where Grafana's server reaches `edgeproof serve`, e.g. http://127.0.0.1:8478">
        <Input id="edgeproof-url" width={50} value={jsonData.url ?? ""} placeholder="http://127.0.0.1:8478" onChange={onUrl} />
      </Field>
      <Field label="Bearer token" description="Needed when the server was started with --token-file or EDGEPROOF_TOKEN">
        <SecretInput
          id="edgeproof-token"
          width={50}
          isConfigured={Boolean(secureJsonFields?.token)}
          value={secureJsonData?.token ?? ""}
          placeholder="token"
          onChange={onToken}
          onReset={onResetToken}
        />
      </Field>
    </Stack>
  );
}
