import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalLabels } from "./labels.js";
import { entriesOfStreams } from "./page-entries.js";
import { QueryRangeResponseSchema, type StreamsResult } from "./schemas.js";

const recorded = (name: string): StreamsResult => {
  const res = QueryRangeResponseSchema.parse(JSON.parse(readFileSync(new URL(`../../../fixtures/loki/${name}`, import.meta.url), "utf8")));
  if (res.data.resultType !== "streams") throw new Error(`${name} is not a streams response`);
  return res.data.result;
};

describe("entries of recorded query_range responses", () => {
  it("docs example (backward order on the wire) comes out oldest first, ns kept as exact strings", () => {
    const es = entriesOfStreams(recorded("query_range.streams.docs_example.json"));
    expect(es.map((e) => [e.tsNs, e.line])).toEqual([
      ["1569266492548155000", "bar"],
      ["1569266497240578000", "foo"],
    ]);
    expect(es[0].stream).toBe('{filename="/var/log/myproject.log", job="varlogs", level="info"}');
  });

  it("metadata split into streams: ties on one ns ordered by canonical stream, labels kept", () => {
    const es = entriesOfStreams(recorded("query_range.streams.uncategorized_split_by_metadata.marshal_test.json"));
    expect(es.map((e) => e.stream)).toEqual(['{bar="b", foo="a", msg="baz", test="test"}', '{bar="b", foo="a", test="test"}', '{test="test"}']);
    expect(new Set(es.map((e) => e.tsNs))).toEqual(new Set(["123456789012346"]));
  });

  it("categorize-labels 3-tuples give structuredMetadata and parsed; the flat 3rd element is structured metadata", () => {
    const cat = entriesOfStreams(recorded("query_range.streams.categorize_labels.codec_test.json"));
    expect(cat.map((e) => [e.line, e.structuredMetadata, e.parsed])).toEqual([
      ["super line", undefined, undefined],
      ["super line2", { x: "a", y: "b" }, undefined],
      ["super line3 z=text", { x: "a", y: "b" }, { z: "text" }],
    ]);
    const flat = entriesOfStreams(recorded("query_range.streams.structured_metadata_flat_3rd_element.codec_test.json"));
    expect(flat.map((e) => e.structuredMetadata)).toEqual([undefined, { x: "a", y: "b" }, { x: "a", y: "b" }]);
  });

  it("every recorded streams response parses, with one entry per value and no entry lost", () => {
    for (const name of readdirSync(new URL("../../../fixtures/loki/", import.meta.url)).filter((f) => f.startsWith("query_range.streams."))) {
      const result = recorded(name);
      expect(entriesOfStreams(result), name).toHaveLength(result.reduce((n, s) => n + s.values.length, 0));
    }
  });

  it("the same stream with its keys in another order is the same stream", () => {
    expect(canonicalLabels({ job: "x", host: "h" })).toBe(canonicalLabels({ host: "h", job: "x" }));
    expect(canonicalLabels({ a: 'q"\n' })).toBe('{a="q\\"\\n"}');
  });

  it("rejects a response whose timestamps are numbers (precision would be lost), and matrix is told apart", () => {
    const bad = { status: "success", data: { resultType: "streams", result: [{ stream: { a: "b" }, values: [[1569266497240578000, "x"]] }] } };
    expect(QueryRangeResponseSchema.safeParse(bad).success).toBe(false);
    const matrix = QueryRangeResponseSchema.parse(JSON.parse(readFileSync(new URL("../../../fixtures/loki/query_range.matrix.docs_example.json", import.meta.url), "utf8")));
    expect(matrix.data.resultType).toBe("matrix");
  });
});
