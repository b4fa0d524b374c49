import { describe, expect, it } from "vitest";
import type { Assertion, Expectation } from "../src/config/model.js";
import { judgeAssertion } from "../src/judge/assertions.js";
import { cutAtBoundary } from "../src/judge/diagnose.js";
import { judge } from "../src/judge/judge.js";
import { show } from "../src/judge/values.js";
import { select } from "../src/judge/select.js";
import { compileSchema } from "../src/plan/schemas.js";
import type { HttpResponse, Observation } from "../src/run/observation.js";
import { parseJson } from "../src/run/read-body.js";
import { GENERIC_500, SVELTEKIT_404 } from "./helpers/fault-server.js";
import { selfTest } from "./helpers/server.js";

const at = { line: 3, column: 7 };

function assertion(path: string, predicates: Omit<Assertion, "path" | "index" | "position">) {
  return { path, index: 0, position: at, ...predicates } as Assertion;
}

const kindsOf = (r: { failures: Array<{ kind: string }> }) => r.failures.map((f) => f.kind);

function response(
  status: number,
  text: string,
  headers: Record<string, string> = { "content-type": "application/json" },
): HttpResponse {
  const mediaType = headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  return {
    status,
    headers,
    mediaType,
    text,
    bytes: Buffer.byteLength(text),
    json: parseJson(text),
  };
}

function observe(res: HttpResponse, durationMs = 20): Observation {
  return {
    method: "GET",
    url: "http://127.0.0.1:1/healthz/self-test",
    startedAt: new Date(0).toISOString(),
    durationMs,
    redirects: [],
    response: res,
  };
}

function expectation(e: Partial<Expectation>): Expectation {
  return { body: [], positions: {}, ...e };
}

const ctx = { environment: "production", hostKey: "api", hostUrl: "https://example.dev" };

describe("when a path selects nothing", () => {
  const doc = selfTest();
  it.each([
    ["equals", { equals: true }],
    ["exists: true", { exists: true }],
    ["every", { every: { ok: true } }],
    ["some", { some: { ok: true } }],
    ["count: 6", { count: 6 }],
    ["type", { type: "boolean" }],
    ["matches", { matches: "x" }],
    ["oneOf", { oneOf: [true] }],
    ["lessThan", { lessThan: 3 }],
    ["greaterThan", { greaterThan: 3 }],
  ])("then %s is red with empty-selection", (_title, predicates) => {
    const r = judgeAssertion(assertion("$.nothing[*]", predicates), doc);
    expect(kindsOf(r)).toEqual(["empty-selection"]);
    expect(judgeAssertion(assertion("$.missing", predicates), doc).failures[0]?.kind).toBe(
      "empty-selection",
    );
  });

  it("then count: 0 and exists: false are green", () => {
    expect(judgeAssertion(assertion("$.nothing[*]", { count: 0 }), doc).failures).toEqual([]);
    expect(judgeAssertion(assertion("$.missing", { exists: false }), doc).failures).toEqual([]);
  });

  it("then a slice wholly out of range is red, and a partly out-of-range one fails its count", () => {
    const short = { checks: selfTest().checks.slice(0, 10) };
    const r = judgeAssertion(assertion("$.checks[21:27]", { every: { ok: true } }), short);
    expect(kindsOf(r)).toEqual(["empty-selection"]);
    const partly = { checks: selfTest().checks.slice(0, 24) };
    const p = judgeAssertion(
      assertion("$.checks[21:27]", { count: 6, every: { ok: true } }),
      partly,
    );
    expect(kindsOf(p)).toEqual(["assertion"]);
    expect(p.failures[0]!.message).toContain("selected 3 item(s), expected 6");
  });

  it("then an empty list under a singular path is red for every and count > 0", () => {
    const r = judgeAssertion(assertion("$.checks", { every: { ok: true } }), { checks: [] });
    expect(kindsOf(r)).toEqual(["empty-selection"]);
    const zero = judgeAssertion(assertion("$.checks", { count: 0 }), { checks: [] });
    expect(zero.failures).toEqual([]);
  });

  it("then the failure keeps the assertion's file position and path", () => {
    const r = judgeAssertion(assertion("$.nothing", { equals: 1 }), {});
    expect(r.failures[0]).toMatchObject({ position: at, path: "$.nothing" });
  });
});

describe("when every and some judge the six docs-drift prongs", () => {
  it("then all ok is green and the summary counts six", () => {
    const r = judgeAssertion(
      assertion("$.checks[21:27]", { count: 6, every: { ok: true } }),
      selfTest(),
    );
    expect(r.failures).toEqual([]);
    expect(r).toMatchObject({ selected: 6, passed: 6 });
  });

  it('then ok: "true" (a string) fails every: {ok: true}, naming the item', () => {
    const doc = selfTest({ 23: { ok: "true" } });
    const r = judgeAssertion(assertion("$.checks[21:27]", { every: { ok: true } }), doc);
    expect(kindsOf(r)).toEqual(["assertion"]);
    expect(r.failures[0]!.message).toContain("checks[23] (storage-23)");
    expect(r.failures[0]!.message).toContain('"true"');
    expect(r.passed).toBe(5);
  });

  it("then output names the selected items by their name field", () => {
    const r = judgeAssertion(assertion("$.checks[21:27]", { count: 6 }), selfTest());
    expect(r.names).toEqual([
      "checks[21] (search-21)",
      "checks[22] (mail-22)",
      "checks[23] (storage-23)",
      "checks[24] (auth-24)",
      "checks[25] (billing-25)",
      "checks[26] (cdn-26)",
    ]);
  });

  it("then every matches objects partially and recursively, arrays exactly", () => {
    const doc = { items: [{ a: { b: 1, c: 2 }, list: [1, 2], extra: true }] };
    const ok = judgeAssertion(
      assertion("$.items[*]", { every: { a: { b: 1 }, list: [1, 2] } }),
      doc,
    );
    expect(ok.failures).toEqual([]);
    const arr = judgeAssertion(assertion("$.items[*]", { every: { list: [1] } }), doc);
    expect(kindsOf(arr)).toEqual(["assertion"]);
    const missing = judgeAssertion(assertion("$.items[*]", { every: { a: { d: 1 } } }), doc);
    expect(missing.failures[0]!.message).toContain("a.d is missing");
  });

  it("then some holds when one matches and is red when none does", () => {
    const doc = selfTest({ 2: { ok: false } });
    expect(judgeAssertion(assertion("$.checks[*]", { some: { ok: false } }), doc).failures).toEqual(
      [],
    );
    const none = judgeAssertion(assertion("$.checks[*]", { some: { ok: "maybe" } }), doc);
    expect(kindsOf(none)).toEqual(["assertion"]);
  });
});

describe("when a path is singular or not (RFC 9535)", () => {
  const doc = selfTest();
  it("then a singular path gives one value to equals", () => {
    expect(judgeAssertion(assertion("$.checks[3].ok", { equals: true }), doc).failures).toEqual([]);
    expect(kindsOf(judgeAssertion(assertion("$.checks[3].ok", { equals: [true] }), doc))).toEqual([
      "assertion",
    ]);
  });

  it("then a filter gives a list, which equals compares whole", () => {
    const path = "$.checks[?@.name == 'queue-2'].ok";
    expect(judgeAssertion(assertion(path, { equals: [true] }), doc).failures).toEqual([]);
    expect(kindsOf(judgeAssertion(assertion(path, { equals: true }), doc))).toEqual(["assertion"]);
  });

  it("then count of a singular array counts its items", () => {
    expect(judgeAssertion(assertion("$.checks", { count: 27 }), doc).failures).toEqual([]);
  });

  it("then type, matches, oneOf, lessThan, greaterThan hold for every value of a list", () => {
    const ms = "$.checks[*].ms";
    expect(judgeAssertion(assertion(ms, { type: "integer" }), doc).failures).toEqual([]);
    expect(judgeAssertion(assertion(ms, { lessThan: 30, greaterThan: 2 }), doc).failures).toEqual(
      [],
    );
    const less = judgeAssertion(assertion(ms, { lessThan: 29 }), doc);
    expect(less.failures[0]!.message).toContain("failed for 1 of 27");
    expect(less.failures[0]!.message).toContain("checks[26].ms");
    const names = "$.checks[*].name";
    expect(judgeAssertion(assertion(names, { matches: "^[a-z]+-\\d+$" }), doc).failures).toEqual(
      [],
    );
    expect(kindsOf(judgeAssertion(assertion(names, { matches: "^db" }), doc))).toEqual([
      "assertion",
    ]);
    expect(
      kindsOf(judgeAssertion(assertion("$.checks[0:2].name", { oneOf: ["db-0"] }), doc)),
    ).toEqual(["assertion"]);
    expect(
      judgeAssertion(assertion("$.checks[0:2].name", { oneOf: ["db-0", "cache-1"] }), doc).failures,
    ).toEqual([]);
  });
});

describe("when each predicate judges a value", () => {
  const doc = { version: "1.2.3", n: 5, flag: false, nil: null, list: [1, "a"], ones: [1, 1] };
  it.each([
    ["equals", "$.version", { equals: "1.2.3" }, { equals: "1.2.4" }],
    ["exists", "$.flag", { exists: true }, { exists: false }],
    ["count", "$.list", { count: 2 }, { count: 3 }],
    ["every", "$.ones[*]", { every: 1 }, { every: "1" }],
    ["some", "$.list[*]", { some: "a" }, { some: "b" }],
    ["matches", "$.version", { matches: "^\\d+\\.\\d+\\.\\d+$" }, { matches: "^2\\." }],
    ["type", "$.nil", { type: "null" }, { type: ["string", "number"] }],
    ["type integer", "$.n", { type: "integer" }, { type: "string" }],
    ["oneOf", "$.n", { oneOf: [4, 5] }, { oneOf: [4, "5"] }],
    ["lessThan", "$.n", { lessThan: 6 }, { lessThan: 5 }],
    ["greaterThan", "$.n", { greaterThan: 4 }, { greaterThan: 5 }],
  ])("then %s is green when it holds and red when it does not", (_t, path, good, bad) => {
    expect(judgeAssertion(assertion(path, good), doc).failures).toEqual([]);
    expect(kindsOf(judgeAssertion(assertion(path, bad), doc))).toEqual(["assertion"]);
  });

  it("then strict scalars: 1 is not '1', false is not null", () => {
    expect(kindsOf(judgeAssertion(assertion("$.n", { equals: "5" }), doc))).toEqual(["assertion"]);
    expect(kindsOf(judgeAssertion(assertion("$.flag", { equals: null }), doc))).toEqual([
      "assertion",
    ]);
  });

  it("then lessThan on a string is red, not coerced", () => {
    expect(kindsOf(judgeAssertion(assertion("$.version", { lessThan: 9 }), doc))).toEqual([
      "assertion",
    ]);
  });

  it("then matches uses RE2: a backtracking-only pattern is refused, a catastrophic one is linear", () => {
    const look = judgeAssertion(assertion("$.version", { matches: "(?=1)1" }), doc);
    expect(look.failures[0]!.message).toContain("not a valid RE2");
    const evil = { s: `${"a".repeat(5000)}!` };
    const r = judgeAssertion(assertion("$.s", { matches: "^(a+)+$" }), evil);
    expect(kindsOf(r)).toEqual(["assertion"]);
  });
});

describe("when the judge sees a whole response", () => {
  const body = (doc: unknown) => JSON.stringify(doc);
  const prongs = [assertion("$.checks[21:27]", { count: 6, every: { ok: true } })];

  it("then status accepts a number, a list and a class", () => {
    const res = observe(response(204, ""));
    for (const status of [[204], [200, 204], ["2xx"]] as Expectation["status"][])
      expect(judge(res, expectation({ status }), ctx).failures).toEqual([]);
    expect(kindsOf(judge(res, expectation({ status: ["3xx", 200] }), ctx))).toEqual(["status"]);
  });

  it("then headers, contentType and maxDuration are judged", () => {
    const res = observe(
      response(200, "{}", { "content-type": "application/json; charset=utf-8", etag: "x" }),
      900,
    );
    const green = expectation({
      headers: { ETag: "x" },
      contentType: "application/json",
      maxDurationMs: 1000,
    });
    expect(judge(res, green, ctx).failures).toEqual([]);
    const red = expectation({
      headers: { etag: "y", "cache-control": "no-store" },
      contentType: "text/plain",
      maxDurationMs: 500,
    });
    expect(kindsOf(judge(res, red, ctx)).sort()).toEqual([
      "content-type",
      "duration",
      "header",
      "header",
    ]);
  });

  it("then JSON under text/plain is accepted unless contentType is asserted", () => {
    const res = observe(response(200, body(selfTest()), { "content-type": "text/plain" }));
    expect(judge(res, expectation({ status: [200], body: prongs }), ctx).failures).toEqual([]);
    const typed = expectation({ status: [200], contentType: "application/json", body: prongs });
    expect(kindsOf(judge(res, typed, ctx))).toEqual(["content-type"]);
  });

  it("then a schema is checked with ajv and its pattern runs on RE2", async () => {
    const validate = await compileSchema({
      type: "object",
      required: ["checks"],
      properties: {
        checks: {
          type: "array",
          items: { properties: { name: { type: "string", pattern: "^[a-z]+-[0-9]+$" } } },
        },
      },
    });
    const res = observe(response(200, body(selfTest())));
    const e = expectation({ status: [200], schema: { label: "inline schema", inline: {} } });
    expect(judge(res, e, { ...ctx, validateSchema: validate }).failures).toEqual([]);
    const bad = observe(response(200, body(selfTest({ 4: { name: "Mail!" } }))));
    const r = judge(bad, e, { ...ctx, validateSchema: validate });
    expect(kindsOf(r)).toEqual(["schema"]);
    expect(r.failures[0]!.message).toContain("/checks/4/name");
    // Lookahead is JavaScript syntax RE2 does not have: proof the engine is RE2.
    await expect(
      compileSchema({ type: "string", pattern: "(?=a)a" }).then((v) => v("a")),
    ).rejects.toThrow();
  });

  it("then a 4xx or 5xx carries 200+ characters of text without tags, and the request id", () => {
    const text = `<p>${"Something failed in the publish path, here is a long detail. ".repeat(8)}</p>`;
    const res = observe(
      response(503, text, { "content-type": "text/plain", "x-request-id": "r-1" }),
    );
    const r = judge(res, expectation({ status: [200] }), ctx);
    expect(kindsOf(r)).toEqual(["status"]);
    const f = r.failures[0]!;
    expect(f.requestId).toBe("x-request-id: r-1");
    const excerpt = f.excerpt!.replace(/^[^:]*: /, "");
    expect(excerpt.length).toBeGreaterThanOrEqual(200);
    expect(excerpt).not.toContain("<p>");
    expect(f.excerpt).toContain("503");
  });

  it("then an HTML 404 is html-response beside status, with its title and the hosts key", () => {
    const res = observe(response(404, SVELTEKIT_404, { "content-type": "text/html" }));
    const r = judge(res, expectation({ status: [200], body: prongs }), ctx);
    expect(kindsOf(r)).toEqual(["status", "html-response"]);
    const html = r.failures[1]!;
    expect(html.message).toContain("404 · Not Found · Example");
    expect(html.hint).toContain("environments.production.hosts.api");
    expect(html.excerpt).not.toMatch(/<|modulepreload|font-family/);
  });

  it("then an HTML page with status 200 is still html-response, and without a content type", () => {
    const res = observe(response(200, GENERIC_500, {}));
    expect(kindsOf(judge(res, expectation({ status: [200], body: prongs }), ctx))).toEqual([
      "html-response",
    ]);
  });

  it("then an HTML 500 is html-response beside status with the generic page's text", () => {
    const res = observe(response(500, GENERIC_500, { "content-type": "text/html" }));
    const r = judge(res, expectation({ status: [200], body: prongs }), ctx);
    expect(kindsOf(r)).toEqual(["status", "html-response"]);
    expect(r.failures[1]!.excerpt).toContain("500 Internal Server Error");
  });

  it("then an empty body and invalid JSON are invalid-json", () => {
    const empty = judge(observe(response(200, "")), expectation({ body: prongs }), ctx);
    expect(kindsOf(empty)).toEqual(["invalid-json"]);
    const broken = judge(
      observe(response(200, '{"checks": [')),
      expectation({ body: prongs }),
      ctx,
    );
    expect(kindsOf(broken)).toEqual(["invalid-json"]);
  });

  it("then a transport failure is reported as its own kind with a hint naming the host key", () => {
    const o: Observation = {
      ...observe(response(200, "")),
      response: undefined,
      failure: { kind: "connection", message: "connection refused", code: "ECONNREFUSED" },
    };
    const r = judge(o, expectation({ status: [200] }), ctx);
    expect(kindsOf(r)).toEqual(["connection"]);
    expect(r.failures[0]!.hint).toContain("environments.production.hosts.api");
  });
});

describe("when long values are shown", () => {
  it("then they are cut between tokens or at a space, never inside a word", () => {
    const secret = "tok_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij";
    const shown = show({ auth: `Bearer ${secret}${secret}` });
    expect(shown.endsWith("…")).toBe(true);
    expect(shown).not.toContain("tok_");
    expect(show(["aa", "bb", "cc"], 9)).toBe('["aa",…');
  });
});

describe("when an excerpt is cut", () => {
  const token = "tok_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij";

  it("then a word that straddles the cut is left out whole", () => {
    for (let pad = 330; pad < 400; pad += 7) {
      const cut = cutAtBoundary(`${"x ".repeat(pad / 2)}Bearer ${token} and more text`, 400);
      expect(cut.endsWith("…")).toBe(true);
      expect(cut.includes(token) || !cut.includes("tok_")).toBe(true);
    }
  });

  it("then minified JSON without spaces still keeps 200+ characters, cut at punctuation", () => {
    const body = JSON.stringify({
      error: "internal",
      trace: Array.from({ length: 40 }, (_, i) => `frame${i}`),
    });
    const cut = cutAtBoundary(body, 400);
    expect(cut.length).toBeGreaterThanOrEqual(200);
    expect(cut).toMatch(/[,[]…$/);
  });

  it("then a 5xx with a long minified JSON body is never silent", () => {
    const text = JSON.stringify({
      error: "publish failed",
      detail: "y".repeat(30),
      list: Array(80).fill("abc"),
    });
    const r = judge(observe(response(500, text)), expectation({ status: [200] }), ctx);
    expect(r.failures[0]!.excerpt!.length).toBeGreaterThan(200);
    expect(r.failures[0]!.excerpt).toContain("publish failed");
  });
});

describe("when the judge is given the run's redaction", () => {
  it("then a secret echoed raw inside HTML is masked before tags are stripped", () => {
    const secret = "k3y<b>value</b>z";
    const page = `<html><head><title>Error</title></head><body><p>auth was ${secret}</p></body></html>`;
    const res = observe(response(500, page, { "content-type": "text/html" }));
    const plain = judge(res, expectation({ status: [200] }), ctx);
    // Without redaction in the judge, stripping turns the secret into a form no mask matches.
    expect(plain.failures[0]!.excerpt).toContain("k3y value z");
    const redact = (t: string) => t.split(secret).join("***");
    const masked = judge(res, expectation({ status: [200] }), { ...ctx, redact });
    expect(masked.failures[0]!.excerpt).toContain("auth was ***");
    expect(masked.failures[0]!.excerpt).not.toContain("k3y");
  });
});

describe("when selected values are labelled", () => {
  it("then names read as paths, odd names are quoted as JSON and indices stay numbers", () => {
    const doc = { checks: [{ ok: true }], "x-id": 1, "a\nb": 2, "it's": 3, "23": 4 };
    expect(select("$.checks[0].ok", doc).nodes.map((n) => n.location)).toEqual(["checks[0].ok"]);
    expect(select("$['x-id','a\\nb','it\\'s','23']", doc).nodes.map((n) => n.location)).toEqual([
      '["x-id"]',
      '["a\\nb"]',
      '["it\'s"]',
      '["23"]',
    ]);
    expect(select("$", doc).nodes.map((n) => n.location)).toEqual(["$"]);
  });
});
