import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ExprError, parseExpr, type Node } from "./expr.js";

/** A compact rendering of the tree, so precedence shows as parentheses. */
function show(n: Node): string {
  switch (n.kind) {
    case "str":
      return JSON.stringify(n.value);
    case "num":
    case "bool":
      return String(n.value);
    case "nil":
      return "nil";
    case "array":
      return `[${n.items.map(show).join(", ")}]`;
    case "ident":
      return n.name;
    case "pointer":
      return "#";
    case "member":
      return `${show(n.object)}.${n.name}`;
    case "index":
      return `${show(n.object)}[${show(n.index)}]`;
    case "call":
      return `${show(n.callee)}(${n.args.map(show).join(", ")})`;
    case "unary":
      return `(${n.op} ${show(n.operand)})`;
    case "binary":
      return `(${show(n.left)} ${n.op} ${show(n.right)})`;
    case "ternary":
      return `(${show(n.cond)} ? ${show(n.then)} : ${show(n.else)})`;
    case "let":
      return `let ${n.name} = ${show(n.value)}; ${show(n.body)}`;
    case "closure":
      return `{${show(n.body)}}`;
  }
}

describe("expr-lang subset parser", () => {
  it("binds and tighter than or, comparisons tighter than and, unary not tighter than comparisons", () => {
    expect(show(parseExpr("a == 'x' || b contains 'y' && !c"))).toBe('((a == "x") or ((b contains "y") and (not c)))');
    expect(show(parseExpr("not a in ['x', \"y\"] and b not in [1, 2]"))).toBe('(((not a) in ["x", "y"]) and (b not in [1, 2]))');
    expect(show(parseExpr("int(x) >= 7 && len(y) == 6"))).toBe("((int(x) >= 7) and (len(y) == 6))");
  });

  it("reads member chains, calls, closures over #, ternaries, let and if/else", () => {
    expect(show(parseExpr("any(File('f.txt'), {Upper(evt.Parsed.http_args) contains Upper(#)})"))).toBe('any(File("f.txt"), {(Upper(evt.Parsed.http_args) contains Upper(#))})');
    expect(show(parseExpr("evt.Meta.p contains JsonExtract(#, 'uri') ? evt.SetMeta('cve', 'x') : false"))).toBe('((evt.Meta.p contains JsonExtract(#, "uri")) ? evt.SetMeta("cve", "x") : false)');
    expect(show(parseExpr("let r = Lower(evt.Parsed.request);\nr matches 'a' || r endsWith 'b'"))).toBe('let r = Lower(evt.Parsed.request); ((r matches "a") or (r endsWith "b"))');
    expect(show(parseExpr("if (a == 1) { let t = f(x); t != '' ? true : false } else { false }"))).toBe('((a == 1) ? let t = f(x); ((t != "") ? true : false) : false)');
    expect(show(parseExpr("evt.Meta.source_ip + '/' + evt.Parsed.target_fqdn"))).toBe('((evt.Meta.source_ip + "/") + evt.Parsed.target_fqdn)');
  });

  it("decodes string escapes as Go does in both quote styles, and keeps raw strings raw", () => {
    expect(show(parseExpr(String.raw`x matches '/tmui/[^.]+.jsp\\?(a|b)='`))).toBe(`(x matches ${JSON.stringify(String.raw`/tmui/[^.]+.jsp\?(a|b)=`)})`);
    expect(show(parseExpr(String.raw`"a\"b\x41\u00e9"`))).toBe(JSON.stringify('a"bAé'));
    expect(show(parseExpr("`a\\b`"))).toBe(JSON.stringify("a\\b"));
  });

  it("names the line and column of what it cannot read", () => {
    const cases: Array<[string, string]> = [
      ["a ==", "1:5: unexpected end of expression"],
      ["a == 'x' &&\n  b ) c", "2:5: unexpected \")\""],
      ["'open", "1:1: unterminated string"],
      ["a @ b", "1:3: unexpected character \"@\""],
      ["f(a b)", "1:5: expected \",\", found \"b\""],
    ];
    for (const [src, message] of cases) {
      expect(() => parseExpr(src), src).toThrow(ExprError);
      expect(() => parseExpr(src), src).toThrow(message);
    }
  });

  const HUB = join(import.meta.dirname, "../../../../../../shared/reference/crowdsec-hub");
  it.skipIf(!existsSync(HUB))("parses every filter and whitelist expression of the hub's HTTP scenarios and parsers", () => {
    let n = 0;
    for (const dir of ["scenarios", "parsers"])
      for (const f of readdirSync(join(HUB, dir)).filter((x) => x.endsWith(".yaml")))
        for (const doc of parseAllDocuments(readFileSync(join(HUB, dir, f), "utf8"))) {
          const j = doc.toJS() as { filter?: string; whitelist?: { expression?: string[] } } | null;
          for (const e of [j?.filter, ...(j?.whitelist?.expression ?? [])].filter((x): x is string => typeof x === "string")) {
            expect(() => parseExpr(e), `${f}: ${e}`).not.toThrow();
            n++;
          }
        }
    expect(n).toBeGreaterThan(90);
  });
});
