import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { configYaml } from "../helpers/project.js";
import { compareWithYaml } from "./compare.js";

function yamlFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => path.join(dir, f));
}

/** The gate document bench/run.js writes, 200 to a file. */
function benchGate(i: number): string {
  return `name: gate ${i}
host: api
request:
  path: /healthz/self-test?n=${i}
expect:
  status: 200
  body:
    - path: $.checks[21:27]
      count: 6
      every: { ok: true }
`;
}

describe("when the repository's YAML files are read by the subset parser and by the yaml package", () => {
  const files = ["shipgate.yaml", ...yamlFiles("gates"), ...yamlFiles("test/fixtures")];

  it.each(files)("then %s reads the same wherever the subset accepts it", (file) => {
    // Some corpus files are not UTF-8 on purpose; decoding them lossily still makes YAML text.
    const text = readFileSync(path.join(ROOT, file), "utf8").replace(/^\uFEFF/, "");
    compareWithYaml(text);
  });

  it("then the gate files, shipgate.yaml and the bench's gates are all within the subset", () => {
    for (const file of ["shipgate.yaml", ...yamlFiles("gates")])
      expect(compareWithYaml(readFileSync(path.join(ROOT, file), "utf8")), file).toBe(true);
    const bench = Array.from({ length: 200 }, (_, i) => benchGate(i)).join("---\n");
    expect(compareWithYaml(bench)).toBe(true);
    expect(compareWithYaml(configYaml({ bench: { api: "http://127.0.0.1:1" } }))).toBe(true);
  });
});

describe("when a file holds constructs at the edge of the subset", () => {
  const accepted = [
    "a: 1\n---\nb: 2\n",
    "# head\n\n---\n# c\na: [x, 'y', \"z\"]  # tail\n\n# more\n",
    "a:\n- 1\n- two\nb: { c: [d, {e: f}], g: {} }\n",
    '- a: 1\n  b:\n  - x\n  c: "\\u00e9\\x41\\n"\n-\n  - -5\n  - .inf\n',
    "'__proto__': {\"__proto__\": 1}\ntoString: 0o17\nx: 0x1F\ny: 1e3\nz: ~\n",
    "k: 'it''s'\nurl: http://x:8/p?q=1#f\ndollar: $.checks[?@.name == 'x'].ok\n",
    "a: [0o7, -0, +.inf, .NaN, 1e3, ~, Null, TRUE, tRue, 0o, 1.e3]\n",
    "a\u00a0: x\u00a0\n",
    "- a:\n  - b\n- c\n",
  ];
  it.each(accepted)("then %j is accepted and reads the same", (text) => {
    expect(compareWithYaml(text)).toBe(true);
  });

  const refused = [
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: |\n  text\n",
    "a: >\n  text\n",
    "a: b\n  c\n",
    'a: "b\n  c"\n',
    "? a\n: b\n",
    "%YAML 1.2\n---\na: 1\n",
    "a: 1\n...\n",
    "a: 1\na: 2\n",
    "a:\n\tb: 1\n",
    "a: 1\r\nb: 2\r\n",
    "a: [b,\n  c]\n",
    "a:\n",
    "a: 1\n---\n",
    "1: a\n",
    "<<: {a: 1}\n",
    "plain\n",
    "[a]\n",
    `${"a:\n".repeat(0)}${Array.from({ length: 70 }, (_, i) => `${" ".repeat(i)}k:`).join("\n")} 1\n`,
  ];
  it.each(refused)("then %j is left to the yaml package", (text) => {
    expect(compareWithYaml(text)).toBe(false);
  });
});
