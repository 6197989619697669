/**
 * Canonical stream identity. Real Loki returns the keys of `stream` in Go map order, which changes
 * between responses, so labels are only ever compared through this sorted rendering.
 */
export type Labels = Record<string, string>;

export function canonicalLabels(labels: Labels, omit?: ReadonlySet<string>): string {
  const keys = Object.keys(labels)
    .filter((k) => !omit?.has(k))
    .sort();
  return `{${keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(", ")}}`;
}
