import { DataSourcePlugin } from "@grafana/data";
import { DataSource } from "./datasource";
import { ConfigEditor } from "./components/ConfigEditor";
import { QueryEditor } from "./components/QueryEditor";
import type { EdgeproofOptions, EdgeproofQuery, EdgeproofSecureJsonData } from "./types";

export const plugin = new DataSourcePlugin<DataSource, EdgeproofQuery, EdgeproofOptions, EdgeproofSecureJsonData>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
