import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { documentToString, parseYamlDocument, parseYamlDocuments, readYaml, writtenValue } from "../src/yaml.js";
import { setSubtree, setTopLevelAfter, updateManagedKeys } from "../src/plan/files.js";

describe("parsing a YAML text once for reading and then editing", () => {
  const text = "# kept\nenvironments:\n  dev: {replicas: 1}\n";

  it("hands the document readYaml parsed to the next editor of the same text, and only to one", () => {
    expect(readYaml(text, "x.yaml")).toEqual({ environments: { dev: { replicas: 1 } } });
    const editor = parseYamlDocument(text, "x.yaml");
    editor.setIn(["environments", "dev", "replicas"], 3);
    expect(documentToString(editor)).toContain("# kept");
    // A second editor, and a later reader, see the text as it is, not the first editor's changes.
    expect(parseYamlDocument(text, "x.yaml").getIn(["environments", "dev", "replicas"])).toBe(1);
    expect(readYaml(text, "x.yaml")).toEqual({ environments: { dev: { replicas: 1 } } });
  });

  it("parses another text anew", () => {
    readYaml(text, "x.yaml");
    expect(parseYamlDocument("a: 1\n", "y.yaml").toJS()).toEqual({ a: 1 });
    expect(() => readYaml("a: 1\na: 2\n", "bad.yaml")).toThrow(/^bad\.yaml:2:1: Map keys must be unique/);
  });
});

describe("a text written from an edited document", () => {
  const text = '# kept\nchart: {name: redis, version: "21.2.0"}\nenvironments:\n  dev: {replicas: 1, port: "0755"}\n';

  it("has the value parsing it gives, without being parsed; an editor of the text parses it anew", () => {
    const doc = parseYamlDocument(text, "x.yaml");
    doc.setIn(["environments", "prod"], doc.createNode({ replicas: 2, tag: "8.0", on: "yes", list: ["a", 1] }));
    doc.setIn(["environments", "dev", "port"], "0800");
    const out = documentToString(doc);
    expect(writtenValue(out)?.value).toEqual(parseDocument(out).toJS());
    expect(writtenValue(text)).toBeUndefined();
    // A later edit (a later run, in the tests' one process) starts from the text, as a run of its own would.
    const editor = parseYamlDocument(out, "x.yaml");
    expect(editor).not.toBe(doc);
    editor.setIn(["environments", "dev", "replicas"], 9);
    expect(writtenValue(out)?.value).toEqual(parseDocument(out).toJS());
  });

  it("is known by its last text only when the same document is written again", () => {
    const doc = parseYamlDocument(text, "x.yaml");
    doc.setIn(["environments", "dev", "replicas"], 2);
    const first = documentToString(doc);
    doc.setIn(["environments", "dev", "replicas"], 3);
    const second = documentToString(doc);
    expect(writtenValue(first)).toBeUndefined();
    expect(writtenValue(second)?.value).toEqual(parseDocument(second).toJS());
  });
});

describe("a YAML syntax error", () => {
  it.each([
    ["a: 1\na: 2\n", "f.yaml:2:1: Map keys must be unique"],
    ["env:\n  prod: [unclosed\n", "f.yaml:3:1: Flow sequence in block collection must be sufficiently indented"],
    ["a: b: c\n", "f.yaml:1:"],
  ])("in %j names the file, line and column", (text, start) => {
    expect(() => readYaml(text, "f.yaml")).toThrow(start);
    expect(() => parseYamlDocument(text, "f.yaml")).toThrow(start);
  });

  it("names them in the file of several documents too", () => {
    expect(() => parseYamlDocuments("a: 1\n---\nb: 1\nb: 2\n", "m.yaml")).toThrow(/^m\.yaml:4:1: Map keys must be unique/);
  });
});

describe("a text written by the plan's updaters", () => {
  // A seeded walk over the updaters with values YAML reads in more than one way; the written value must be the one
  // parsing the text gives, since validate takes it instead of parsing (src/validate/parse.ts).
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const SCALARS: unknown[] = [0, 1, -1, 1.5, 1e21, Number.NaN, Infinity, true, false, null, "", "0755", "0x1F", "1e3", ".inf", "true", "yes", "on", "~", "null",
    "1_000", "12:30", "- x", "x: y", "x #y", "&a", "*a", "!t", "a\nb", "a\n\n", " a", "a ", "é 日本", "\u2028", "\ufeffx", "--- x", "a\n...\nb", "<<", "8Gi", "7.2"];
  const KEYS = ["a", "b", "master", "size", "<<", "1", "true", "~", "", "k:", "é"];
  const value = (depth: number): unknown => {
    const r = random();
    if (depth > 2 || r < 0.55) return pick(SCALARS);
    if (r < 0.7) return [value(depth + 1), value(depth + 1)];
    return Object.fromEntries([pick(KEYS), pick(KEYS)].map((key) => [key, value(depth + 1)]));
  };
  const STARTS = ["", "# c\n", "a: 1 # c\nb:\n  c: x\n", "a: &x {b: 1}\nc: *x\n", "a: &x 1\nb: *x\n", "---\na: |\n  text\nb: >-\n  folded\n", "%YAML 1.1\n---\na: {b: 1}\nd: yes\n",
    "a: 0x10\nb: 0o7\nc: 1.50\n", "a: null\nb:\n", "{a: 1, b: 2}\n", "a: !!str 1\nb: !!int 2\n", "a: !!bool true\nb: !x 1\n", "a:\n  b: !!float 1\n"];
  const path = () => Array.from({ length: 1 + Math.floor(random() * 2) }, () => pick(["a", "b", "c"]));

  it("has the value parsing it gives", () => {
    let compared = 0;
    for (let i = 0; i < 3000; i++) {
      let text = pick(STARTS);
      try {
        const kind = random();
        if (kind < 0.4) {
          const at = path();
          text = updateManagedKeys(text, "x.yaml", at.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value(1)) as Record<string, unknown>, [at.join(".")]);
        } else if (kind < 0.75) text = setSubtree(text, "x.yaml", path(), value(0));
        else text = setTopLevelAfter(text, "x.yaml", pick(KEYS), pick(KEYS), value(0));
      } catch {
        continue; // an edit the updaters refuse (an alias in the path, a merge of a scalar)
      }
      let known: { value: unknown } | undefined;
      try {
        known = writtenValue(text);
      } catch {
        known = { value: "does not read" }; // a `<<` of a scalar in a YAML 1.1 document: parsing it throws too
      }
      if (!known) continue;
      compared++;
      let parsed: unknown;
      try {
        parsed = parseDocument(text).toJS({ maxAliasCount: 100 });
      } catch {
        parsed = "does not read";
      }
      expect({ text, value: known.value }).toEqual({ text, value: parsed });
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it("says the value set where the old value had an explicit tag, which goes with it; the comment stays", () => {
    for (const [text, value] of [["replicaCount: !!str 3 # kept\n", 5], ["enabled: !!bool true # kept\n", 5], ["size: !!int 8 # kept\n", "16Gi"]] as const) {
      const key = text.split(":")[0]!;
      const out = updateManagedKeys(text, "x.yaml", { [key]: value }, [key]);
      expect(out).toBe(`${key}: ${value} # kept\n`);
      expect(writtenValue(out)?.value ?? parseDocument(out).toJS()).toEqual({ [key]: value });
    }
  });
});
