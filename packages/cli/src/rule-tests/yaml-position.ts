import { LineCounter, parseDocument, isNode } from "yaml";

/** line:col of the YAML node at `path` (or its nearest existing parent), for messages that name file:line:col. */
export function yamlPositions(text: string): (path: Array<string | number>) => { line: number; col: number } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lc.linePos(node.range[0]);
    }
    return { line: 1, col: 1 };
  };
}
