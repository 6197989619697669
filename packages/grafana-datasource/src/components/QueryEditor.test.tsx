import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { DataSourceInstanceSettings } from "@grafana/data";
import { DataSource } from "../datasource";
import { QueryEditor } from "./QueryEditor";
import { DETAIL_PARTS, type Capabilities, type EdgeproofOptions, type EdgeproofQuery } from "../types";

/** A DataSource whose server reports `features`; the editor only asks it for capabilities. */
function dsWith(features: string[]): DataSource {
  const ds = new DataSource({ url: "/proxy", jsonData: {}, meta: {} } as unknown as DataSourceInstanceSettings<EdgeproofOptions>);
  const caps: Capabilities = { name: "edgeproof", version: "0.1.0", features, ready: true, sources: [] };
  vi.spyOn(ds, "getCapabilities").mockResolvedValue(caps);
  return ds;
}

const ALL = ["incidents", "incident-detail", "summary", "timeseries", "annotations"];


describe("QueryEditor", () => {
  it("offers only the query types the server has, and switching type runs the query", async () => {
    const onChange = vi.fn();
    const onRunQuery = vi.fn();
    render(<QueryEditor query={{ refId: "A", queryType: "incidents" }} onChange={onChange} onRunQuery={onRunQuery} datasource={dsWith(ALL.filter((f) => f !== "timeseries"))} />);
    await waitFor(() => expect(screen.getByText("Incidents")).not.toBeNull());
    fireEvent.keyDown(document.getElementById("edgeproof-query-type")!, { key: "ArrowDown" });
    const options = await screen.findAllByRole("option");
    const labels = options.map((o) => o.textContent ?? "");
    expect(labels.some((l) => l.startsWith("Incident detail"))).toBe(true);
    expect(labels.some((l) => l.startsWith("Time series"))).toBe(false);
    fireEvent.click(options.find((o) => o.textContent?.startsWith("Incident detail"))!);
    expect(onChange).toHaveBeenLastCalledWith({ refId: "A", queryType: "incident" });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it("edits filters (variables allowed) and runs on blur", async () => {
    const onChange = vi.fn();
    const onRunQuery = vi.fn();
    const query: EdgeproofQuery = { refId: "A", queryType: "incidents" };
    render(<QueryEditor query={query} onChange={onChange} onRunQuery={onRunQuery} datasource={dsWith(ALL)} />);
    const host = screen.getByPlaceholderText("$host");
    fireEvent.change(host, { target: { value: "$host" } });
    expect(onChange).toHaveBeenLastCalledWith({ refId: "A", queryType: "incidents", host: "$host" });
    fireEvent.blur(host);
    expect(onRunQuery).toHaveBeenCalled();
    fireEvent.change(screen.getByPlaceholderText("$severity or P0,P1"), { target: { value: "P0,P1" } });
    expect(onChange).toHaveBeenLastCalledWith({ refId: "A", queryType: "incidents", severity: "P0,P1" });
  });

  it("shows the id field for incident detail and only the matching filter for time series", async () => {
    const ds = dsWith(ALL);
    const { rerender } = render(<QueryEditor query={{ refId: "A", queryType: "incident" }} onChange={vi.fn()} onRunQuery={vi.fn()} datasource={ds} />);
    expect(screen.getByPlaceholderText("$incident")).not.toBeNull();
    expect(screen.queryByPlaceholderText("$host")).toBeNull();
    rerender(<QueryEditor query={{ refId: "A", queryType: "timeseries", by: "upstream" }} onChange={vi.fn()} onRunQuery={vi.fn()} datasource={ds} />);
    expect(screen.getByPlaceholderText("$upstream")).not.toBeNull();
    expect(screen.queryByPlaceholderText("$host")).toBeNull();
    expect(screen.queryByPlaceholderText("203.0.113.7")).toBeNull();
  });

  it("offers a detail part only when the server has its feature: none of RCA, lifecycle, alerting or runbooks is left as a dead option", async () => {
    const parts = async (features: string[]) => {
      const { unmount } = render(<QueryEditor query={{ refId: "A", queryType: "incident" }} onChange={vi.fn()} onRunQuery={vi.fn()} datasource={dsWith(features)} />);
      await waitFor(() => expect(screen.getByText("Incident detail")).not.toBeNull());
      fireEvent.keyDown(document.getElementById("edgeproof-part")!, { key: "ArrowDown" });
      const labels = (await screen.findAllByRole("option")).map((o) => o.textContent ?? "");
      unmount();
      return labels;
    };
    const off = await parts(ALL);
    expect(off).toEqual(["all", "proof", "evidence", "thresholds", "findings", "recommendations"]);
    const on = await parts([...ALL, "rca", "lifecycle", "alerting", "runbooks"]);
    expect(on).toEqual(["all", ...DETAIL_PARTS]);
  });
});
