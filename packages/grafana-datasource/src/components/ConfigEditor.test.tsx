import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { DataSourceSettings } from "@grafana/data";
import { ConfigEditor } from "./ConfigEditor";
import type { EdgeproofOptions, EdgeproofSecureJsonData } from "../types";

const settings = (over: Partial<DataSourceSettings<EdgeproofOptions, EdgeproofSecureJsonData>> = {}) =>
  ({ id: 1, uid: "x", name: "edgeproof", type: "edgeproof-incidents-datasource", jsonData: {}, secureJsonFields: {}, ...over }) as DataSourceSettings<
    EdgeproofOptions,
    EdgeproofSecureJsonData
  >;

describe("ConfigEditor", () => {
  it("stores the server URL in jsonData, where the proxy route reads it", () => {
    const onOptionsChange = vi.fn();
    render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByPlaceholderText("http://127.0.0.1:8478"), { target: { value: "http://edgeproof:8478" } });
    expect(onOptionsChange).toHaveBeenLastCalledWith(expect.objectContaining({ jsonData: { url: "http://edgeproof:8478" } }));
  });

  it("takes a token as secure JSON data and never shows a stored one, only that it is configured", () => {
    const onOptionsChange = vi.fn();
    const { unmount } = render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByPlaceholderText("token"), { target: { value: "abc" } });
    expect(onOptionsChange).toHaveBeenLastCalledWith(expect.objectContaining({ secureJsonData: { token: "abc" } }));
    unmount();

    render(<ConfigEditor options={settings({ secureJsonFields: { token: true } })} onOptionsChange={onOptionsChange} />);
    const input = screen.getByDisplayValue("configured");
    expect((input as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: /reset/i }));
    expect(onOptionsChange).toHaveBeenLastCalledWith(expect.objectContaining({ secureJsonFields: { token: false }, secureJsonData: { token: "" } }));
  });
});
