import { describe, expect, it } from "vitest";
import type { Assertion } from "../../src/config/model.js";
import { parseYaml } from "../../src/config/yaml-source.js";
import { judgeAssertion } from "../../src/judge/assertions.js";
import { judge } from "../../src/judge/judge.js";
import { resolveTemplates } from "../../src/template/template.js";

const at = { line: 1, column: 1 };
const assertion = (path: string, predicates: Record<string, unknown>) =>
  ({ path, index: 0, position: at, ...predicates }) as Assertion;
const kinds = (a: Assertion, doc: unknown) => judgeAssertion(a, doc).failures.map((f) => f.kind);

// Found by the judge properties (test/properties): an empty selection allowed
// by count: 0 or exists: false skipped equals and some, so they stayed green.
describe("when count: 0 or exists: false allows an empty selection", () => {
  it("then equals on the empty list is still judged: only [] is equal", () => {
    expect(kinds(assertion("$[?@.a == 'ok']", { count: 0, equals: false }), null)).toEqual([
      "assertion",
    ]);
    expect(kinds(assertion("$.checks[*]", { count: 0, equals: [1] }), { checks: [] })).toEqual([
      "assertion",
    ]);
    expect(kinds(assertion("$.checks[*]", { count: 0, equals: [] }), { checks: [] })).toEqual([]);
  });

  it("then equals on a missing singular value is red: nothing equals no value", () => {
    expect(kinds(assertion("$.missing", { exists: false, equals: 1 }), {})).toEqual(["assertion"]);
  });

  it("then some is red: it needs one item to match", () => {
    expect(
      kinds(assertion("$.checks[*]", { count: 0, some: { ok: true } }), { checks: [] }),
    ).toEqual(["assertion"]);
    expect(kinds(assertion("$.checks", { count: 0, some: 1 }), { checks: [] })).toEqual([
      "assertion",
    ]);
  });

  it("then the predicates that hold for every value stay green on nothing", () => {
    expect(
      kinds(assertion("$.checks[*]", { count: 0, every: { ok: true } }), { checks: [] }),
    ).toEqual([]);
    expect(kinds(assertion("$.missing", { exists: false, type: "string" }), {})).toEqual([]);
  });
});

// Found while reading the template code for the properties: substitution
// assigned keys, so a `__proto__` key set the prototype and vanished.
describe("when an expected object has a __proto__ key", () => {
  it("then templates keep it as a key and every still judges it", async () => {
    const doc = (await parseYaml('every: {"__proto__": {ok: true}}\n', "g.yaml")).documents[0]!;
    const predicates = resolveTemplates(doc.value as Record<string, unknown>, () => undefined);
    expect(Object.keys(predicates.every as object)).toEqual(["__proto__"]);
    const body = JSON.parse('{"checks": [{"__proto__": {"ok": false}}, {"name": "db"}]}');
    expect(kinds(assertion("$.checks[*]", predicates), body)).toEqual(["assertion"]);
    const green = JSON.parse('{"checks": [{"__proto__": {"ok": true}}]}');
    expect(kinds(assertion("$.checks[*]", predicates), green)).toEqual([]);
  });
});

// Found by the hostile-response property (test/properties/hostile.ts): two
// Content-Type headers arrive joined, and the first one alone was judged.
describe("when a response declares two content types", () => {
  const judgeType = (contentType: string) =>
    judge(
      {
        method: "GET",
        url: "http://127.0.0.1:1/x",
        startedAt: new Date(0).toISOString(),
        durationMs: 1,
        redirects: [],
        response: {
          status: 200,
          headers: { "content-type": contentType },
          mediaType: contentType.split(";")[0]!.trim().toLowerCase(),
          text: '{"ok": true}',
          bytes: 12,
          json: { ok: true, value: { ok: true } },
        },
      },
      { status: [200], contentType: "application/json", body: [], positions: {} },
      { environment: "local", hostKey: "api", hostUrl: "http://127.0.0.1:1" },
    ).failures.map((f) => f.kind);

  it("then contentType: application/json is red", () => {
    expect(judgeType("application/json; charset=utf-8, text/html")).toEqual(["content-type"]);
  });

  it("then a comma inside a quoted parameter is not a second type", () => {
    expect(judgeType('application/json; profile="a,b"')).toEqual([]);
    expect(judgeType("application/json, application/json")).toEqual([]);
  });
});

// Found while reading judge() for the properties: a schema without a compiled
// validator was skipped, and an observation with neither response nor failure
// was green.
describe("when the judge is missing what it needs", () => {
  const ctx = { environment: "local", hostKey: "api", hostUrl: "http://127.0.0.1:1" };
  const observation = {
    method: "GET",
    url: "http://127.0.0.1:1/x",
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    redirects: [],
  };

  it("then a schema with no validator is red, not skipped", () => {
    const verdict = judge(
      {
        ...observation,
        response: {
          status: 200,
          headers: { "content-type": "application/json" },
          mediaType: "application/json",
          text: "{}",
          bytes: 2,
          json: { ok: true, value: {} },
        },
      },
      { schema: { label: "inline schema", inline: { required: ["id"] } }, body: [], positions: {} },
      ctx,
    );
    expect(verdict.failures.map((f) => f.kind)).toEqual(["schema"]);
  });

  it("then an observation with neither a response nor a failure is red", () => {
    const verdict = judge(observation, { status: [200], body: [], positions: {} }, ctx);
    expect(verdict.failures.map((f) => f.kind)).toEqual(["connection"]);
  });
});
