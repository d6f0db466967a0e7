import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { documentToString, parseYamlDocument, parseYamlDocuments, readYaml, writtenValue } from "../src/yaml.js";

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

  it("has the value parsing it gives, without being parsed; the next editor takes the document", () => {
    const doc = parseYamlDocument(text, "x.yaml");
    doc.setIn(["environments", "prod"], doc.createNode({ replicas: 2, tag: "8.0", on: "yes", list: ["a", 1] }));
    doc.setIn(["environments", "dev", "port"], "0800");
    const out = documentToString(doc);
    expect(writtenValue(out)?.value).toEqual(parseDocument(out).toJS());
    expect(writtenValue(text)).toBeUndefined();
    expect(parseYamlDocument(out, "x.yaml")).toBe(doc);
    // Taken for editing, it is no longer known: the editor may change it.
    expect(writtenValue(out)).toBeUndefined();
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
