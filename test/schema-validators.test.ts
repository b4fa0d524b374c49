import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import * as generated from "../src/config/schema-validators.generated.js";
import { ROOT } from "./helpers/cli.js";

// The build (npm run build, which npm test runs first) compiles the config and
// gate schemas ahead of time; validate.ts explains the errors those validators
// give, so they must be the very objects ajv gives when it compiles at run time.

function runtimeValidator(name: "config" | "gate") {
  const schema = JSON.parse(readFileSync(path.join(ROOT, "schema", `${name}.json`), "utf8"));
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  return ajv.compile(schema);
}

const gates: unknown[] = [
  { name: "ok", host: "api", request: { path: "/x" }, expect: { status: 200 } },
  { name: "", host: "api!", extra: 1 },
  { host: "api", request: { path: "x", method: "GRAB", tiemout: "5s" } },
  { name: "g", host: "api", request: { path: "/x", timeout: "5 minutes" }, expect: {} },
  { name: "g", host: "api", expect: { status: [200, "2xy", 700], body: [{ path: "$.a" }] } },
  { name: "g", host: "api", expect: { status: "ok", headers: {}, schema: 3 } },
  { name: "g", host: "api", expect: { body: [{ path: "a", count: -1, type: ["text"] }] } },
  { name: "g", host: "api", environments: ["a", "a"], retry: { attempts: 11, delay: true } },
  {
    name: "g",
    host: "api",
    steps: [
      { request: { path: "/a" }, capture: { "1bad": "$.x", id: { header: "" }, s: { status: 1 } } },
      { name: "", request: { json: { a: 1 }, body: 2 }, expect: { maxDuration: -5 } },
    ],
    teardown: [{ expect: { status: 200 } }],
  },
  { name: 1, host: null, request: [], expect: "200" },
  [],
  "text",
];

const configs: unknown[] = [
  { environments: { prod: { hosts: { api: "https://api.example.dev" } } } },
  { environments: {} },
  { environments: { "bad name": { hosts: { api: "ftp://x" }, protectd: true } } },
  { environments: { p: { hosts: {} } }, gates: [], defaults: { timeout: "10 s", maxBodySize: 0 } },
  { environments: { p: { hosts: { "a b": 1 } } }, gates: "", release: { publish: "yarn" } },
  { release: { npm: { access: "open", provenance: "yes" }, requireRehearsal: 1 }, extra: {} },
  null,
];

describe("precompiled schema validators", () => {
  it("when the build ran, then the generated validators match schema/*.json", () => {
    for (const name of ["config", "gate"] as const) {
      const text = readFileSync(path.join(ROOT, "schema", `${name}.json`), "utf8");
      expect(generated.schemaHashes[name]).toBe(createHash("sha256").update(text).digest("hex"));
    }
  });

  for (const [name, docs, standalone] of [
    ["gate", gates, generated.gate],
    ["config", configs, generated.config],
  ] as const) {
    it(`when a ${name} document is checked, then the errors equal ajv's at run time`, () => {
      const runtime = runtimeValidator(name);
      for (const doc of docs) {
        expect(standalone(doc)).toBe(runtime(doc));
        expect(standalone.errors ?? null).toEqual(runtime.errors ?? null);
      }
    });
  }
});
