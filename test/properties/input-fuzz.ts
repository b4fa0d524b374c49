/**
 * Generators of broken gate files and configs: truncation, bytes that are not
 * UTF-8, wrong types, unknown keys, huge numbers, deep nesting, random YAML.
 * Each case is bytes plus a label saying how it was made.
 */
import fc from "fast-check";
import { parseDocument } from "yaml";

export interface FuzzCase {
  label: string;
  bytes: Buffer;
}

export const BASE_GATES = [
  `# A gate with every kind of expectation.
name: prongs ü
host: api
environments: [local]
request:
  method: GET
  path: /healthz/self-test
  query: { verbose: "1" }
  headers:
    X-Trace: "shipgate {{run.id}}"
  timeout: 5s
retry: { attempts: 2, delay: 10ms }
expect:
  status: [200, "2xx"]
  contentType: application/json
  maxDuration: 4s
  headers: { cache-control: no-store }
  body:
    - path: $.checks[21:27]
      count: 6
      every: { ok: true }
    - path: $.checks[?@.name == 'queue'].ok
      equals: [true]
    - path: $.version
      matches: "^[0-9]+"
      type: [string, number]
`,
  `name: round trip
host: api
steps:
  - name: create
    request:
      method: PUT
      path: /v1/queues/t-{{run.id}}
      json: { note: "release {{version}}", deep: { a: [1, 2, { b: null }] } }
    expect:
      status: 201
    capture:
      id: $.id
      req: { header: x-request-id }
      code: { status: true }
  - name: read
    request:
      path: /v1/queues/t-{{run.id}}/{{id}}
    expect:
      body:
        - path: $.id
          oneOf: ["{{id}}"]
        - path: $.size
          lessThan: 100
          greaterThan: -1
teardown:
  - request:
      method: DELETE
      path: /v1/queues/t-{{run.id}}
`,
  `name: first
host: api
request: { path: /a }
expect: { status: 200 }
---
name: second
host: api
request: { path: /b, method: POST, body: "x=1", contentType: application/x-www-form-urlencoded }
expect:
  body:
    - path: $.ok
      exists: true
`,
];

export const BASE_CONFIG = `# shipgate.yaml for the fuzz tests
environments:
  local:
    protected: false
    hosts:
      api: http://127.0.0.1:9
      web: http://127.0.0.1:9/site
gates: gates/*.yaml
defaults:
  timeout: 2s
  maxBodySize: 1MB
  concurrency: 4
release:
  tag: "v{{version}}"
  remote: origin
  branch: main
  publish: none
  npm: { access: public, tag: latest, provenance: false }
  requireRehearsal: true
`;

type KeyPath = Array<string | number>;

/* Where a wrong type, an unknown key or a number can go, in each base. */
const GATE_SPOTS: KeyPath[][] = [
  [
    ["name"],
    ["host"],
    ["environments"],
    ["request"],
    ["request", "method"],
    ["request", "path"],
    ["request", "query"],
    ["request", "headers"],
    ["request", "timeout"],
    ["request", "followRedirects"],
    ["retry"],
    ["retry", "attempts"],
    ["retry", "delay"],
    ["expect"],
    ["expect", "status"],
    ["expect", "contentType"],
    ["expect", "maxDuration"],
    ["expect", "headers"],
    ["expect", "body"],
    ["expect", "body", 0],
    ["expect", "body", 0, "path"],
    ["expect", "body", 0, "count"],
    ["expect", "body", 2, "matches"],
    ["expect", "body", 2, "type"],
  ],
  [
    ["steps"],
    ["steps", 0],
    ["steps", 0, "request"],
    ["steps", 0, "request", "method"],
    ["steps", 0, "capture"],
    ["steps", 0, "capture", "req"],
    ["steps", 0, "capture", "code"],
    ["steps", 1, "expect", "body", 0, "oneOf"],
    ["steps", 1, "expect", "body", 1, "lessThan"],
    ["steps", 1, "expect", "body", 1, "greaterThan"],
    ["teardown"],
    ["teardown", 0, "request", "method"],
  ],
  [["name"], ["request"], ["request", "path"], ["expect"], ["expect", "status"]],
];

const CONFIG_SPOTS: KeyPath[] = [
  ["environments"],
  ["environments", "local"],
  ["environments", "local", "protected"],
  ["environments", "local", "hosts"],
  ["environments", "local", "hosts", "api"],
  ["gates"],
  ["defaults"],
  ["defaults", "timeout"],
  ["defaults", "maxBodySize"],
  ["defaults", "concurrency"],
  ["release"],
  ["release", "tag"],
  ["release", "publish"],
  ["release", "npm"],
  ["release", "npm", "access"],
  ["release", "npm", "provenance"],
  ["release", "requireRehearsal"],
];

/** Objects where every key is checked (additionalProperties: false). */
const STRICT_GATE_OBJECTS: KeyPath[][] = [
  [[], ["request"], ["retry"], ["expect"], ["expect", "body", 0]],
  [[], ["steps", 0], ["steps", 0, "request"], ["steps", 1, "expect"], ["teardown", 0]],
  [[], ["request"], ["expect"]],
];
const STRICT_CONFIG_OBJECTS: KeyPath[] = [
  [],
  ["environments", "local"],
  ["defaults"],
  ["release"],
  ["release", "npm"],
];

const WRONG_VALUES: unknown[] = [
  null,
  true,
  -1,
  0,
  2.5,
  600,
  "",
  "2XX",
  "10 s",
  "soon",
  "FETCH",
  "no-slash",
  "bad host!",
  "/path",
  [],
  [null],
  ["production", "production"],
  {},
  { path: "x" },
  { attempts: 0 },
];

const UNKNOWN_KEYS = [
  "expct",
  "stauts",
  "bdoy",
  "timout",
  "requests",
  "Status",
  "every ",
  "$ref",
  "__proto__",
  "constructor",
  "x-extra",
  "ünïcode",
];

/** Numbers YAML can write that a schema of integers or bounded numbers must refuse. */
const HUGE = [
  "1e400",
  "-1e400",
  ".inf",
  "-.inf",
  ".nan",
  "99999999999999999999999",
  "-99999999999999999999999",
  "1.5e-400",
  "0x7fffffffffffffffffffff",
  "1e308",
];

const BAD_BYTES = [
  [0xff],
  [0xfe],
  [0xc3],
  [0x80],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
];

const YAML_CHARS = [
  ..." \n\n  :-[]{}'\"#&*!|>,?%@`\t",
  "a",
  "b",
  "1",
  "name",
  "host",
  "request",
  "expect",
  "path",
  "status",
  "steps",
  "- ",
  ": ",
  "---\n",
  "...\n",
  "!!binary",
  "<<",
  "&a",
  "*a",
  "\u00e9",
  "\u0000",
  "\uFEFF",
];

const PLACEHOLDER = "@@fuzz@@";

function edit(base: string, at: KeyPath, value: unknown): string {
  const doc = parseDocument(base);
  doc.setIn(at, value);
  return doc.toString({ lineWidth: 0 });
}

/** A collection nested `levels` deep, flow style, for the placeholder's place. */
function nested(levels: number, kind: "list" | "map"): string {
  return kind === "list"
    ? "[".repeat(levels) + "]".repeat(levels)
    : "{a: ".repeat(levels) + "1" + "}".repeat(levels);
}

/** Block style: `- ` indented one more level each line. */
export function blockNested(levels: number): string {
  let out = "";
  for (let i = 0; i < levels; i++) out += `${" ".repeat(i * 2)}-\n`;
  return `${out}${" ".repeat(levels * 2)}x\n`;
}

function multiDocBase(base: string): string {
  // Every document of the last base needs its own place for edits: use the first.
  return base.split("\n---\n")[0]!;
}

function structural(
  bases: string[],
  spots: KeyPath[][],
  strict: KeyPath[][],
): fc.Arbitrary<FuzzCase> {
  const pickBase = fc.nat(bases.length - 1);
  const wrongType = fc
    .tuple(pickBase, fc.nat(), fc.constantFrom(...WRONG_VALUES))
    .map(([b, s, value]) => {
      const at = spots[b]![s % spots[b]!.length]!;
      return {
        label: `wrong type: ${at.join(".")} = ${JSON.stringify(value)} in base ${b}`,
        bytes: Buffer.from(edit(multiDocBase(bases[b]!), at, value)),
      };
    });
  const unknownKey = fc
    .tuple(pickBase, fc.nat(), fc.constantFrom(...UNKNOWN_KEYS))
    .map(([b, s, key]) => {
      const at = strict[b]![s % strict[b]!.length]!;
      return {
        label: `unknown key: ${[...at, key].join(".")} in base ${b}`,
        bytes: Buffer.from(edit(multiDocBase(bases[b]!), [...at, key], "x")),
      };
    });
  const huge = fc.tuple(pickBase, fc.nat(), fc.constantFrom(...HUGE)).map(([b, s, n]) => {
    const at = spots[b]![s % spots[b]!.length]!;
    return {
      label: `huge number: ${at.join(".")} = ${n} in base ${b}`,
      bytes: Buffer.from(edit(multiDocBase(bases[b]!), at, PLACEHOLDER).replace(PLACEHOLDER, n)),
    };
  });
  const deep = fc
    .tuple(
      pickBase,
      fc.nat(),
      fc.integer({ min: 64, max: 3000 }),
      fc.constantFrom("list" as const, "map" as const),
    )
    .map(([b, s, levels, kind]) => {
      const at = spots[b]![s % spots[b]!.length]!;
      return {
        label: `deep: ${levels} levels of ${kind} at ${at.join(".")} in base ${b}`,
        bytes: Buffer.from(
          edit(multiDocBase(bases[b]!), at, PLACEHOLDER).replace(PLACEHOLDER, nested(levels, kind)),
        ),
      };
    });
  return fc.oneof(wrongType, unknownKey, huge, deep);
}

function byteLevel(bases: string[]): fc.Arbitrary<FuzzCase> {
  const pickBase = fc.nat(bases.length - 1);
  const truncate = fc.tuple(pickBase, fc.nat()).map(([b, n]) => {
    const full = Buffer.from(bases[b]!);
    const at = n % full.length;
    return { label: `truncated at byte ${at} of base ${b}`, bytes: full.subarray(0, at) };
  });
  const badBytes = fc
    .tuple(pickBase, fc.nat(), fc.constantFrom(...BAD_BYTES))
    .map(([b, n, seq]) => {
      const full = Buffer.from(bases[b]!);
      const at = n % (full.length + 1);
      return {
        label: `bytes ${seq.map((x) => x.toString(16)).join(" ")} at ${at} of base ${b}`,
        bytes: Buffer.concat([full.subarray(0, at), Buffer.from(seq), full.subarray(at)]),
      };
    });
  const random = fc
    .array(fc.constantFrom(...YAML_CHARS), { maxLength: 120 })
    .map((parts) => ({ label: "random YAML", bytes: Buffer.from(parts.join("")) }));
  const spliced = fc.tuple(pickBase, fc.nat(), fc.nat(), fc.nat()).map(([b, x, y, z]) => {
    // A line moved elsewhere: indentation and structure break in plausible ways.
    const lines = bases[b]!.split("\n");
    const from = x % lines.length;
    const [line] = lines.splice(from, 1);
    lines.splice(y % (lines.length + 1), 0, " ".repeat(z % 5) + line);
    return { label: `line ${from} moved in base ${b}`, bytes: Buffer.from(lines.join("\n")) };
  });
  return fc.oneof(truncate, badBytes, random, spliced);
}

const blockDeep: fc.Arbitrary<FuzzCase> = fc.integer({ min: 65, max: 400 }).map((levels) => ({
  label: `block nesting of ${levels} levels`,
  bytes: Buffer.from(
    `name: deep\nhost: api\nrequest:\n  path: /a\nexpect:\n  body:\n    - path: $.a\n      equals:\n${blockNested(levels).replace(/^/gm, "        ")}`,
  ),
}));

export const gateCases: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 6, arbitrary: structural(BASE_GATES, GATE_SPOTS, STRICT_GATE_OBJECTS) },
  { weight: 6, arbitrary: byteLevel(BASE_GATES) },
  { weight: 1, arbitrary: blockDeep },
);

export const configCases: fc.Arbitrary<FuzzCase> = fc.oneof(
  structural([BASE_CONFIG], [CONFIG_SPOTS], [STRICT_CONFIG_OBJECTS]),
  byteLevel([BASE_CONFIG]),
);
