/**
 * Property tests of the judge against the oracle in json-oracle.ts. The
 * default suite runs them with a few cases, test:proof with many.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import type { Assertion, Expectation } from "../../src/config/model.js";
import { judge } from "../../src/judge/judge.js";
import type { Observation } from "../../src/run/observation.js";
import { parseJson } from "../../src/run/read-body.js";
import {
  buildPredicates,
  type Json,
  oracle,
  type Predicates,
  pathSegments,
  plainPathSegments,
  predicateSpecs,
  renderPath,
  replaceAt,
  rootDoc,
  type Segment,
} from "./json-oracle.js";

const ctx = { environment: "production", hostKey: "api", hostUrl: "http://127.0.0.1:1" };

export function observe(text: string): Observation {
  return {
    method: "GET",
    url: "http://127.0.0.1:1/healthz",
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    redirects: [],
    response: {
      status: 200,
      headers: { "content-type": "application/json" },
      mediaType: "application/json",
      text,
      bytes: Buffer.byteLength(text),
      json: parseJson(text),
    },
  };
}

function expectation(
  assertions: Array<{ segments: Segment[]; predicates: Predicates }>,
): Expectation {
  return {
    status: [200],
    body: assertions.map(
      ({ segments, predicates }, index): Assertion => ({
        path: renderPath(segments),
        index,
        position: { line: index + 1, column: 1 },
        ...predicates,
      }),
    ),
    positions: {},
  };
}

/** A document and one to three assertions on it, some derived from what they select. */
const gateCase = (paths: fc.Arbitrary<Segment[]>, truthful = false) =>
  fc
    .record({
      doc: rootDoc,
      assertions: fc.array(fc.record({ segments: paths, specs: predicateSpecs }), {
        minLength: 1,
        maxLength: truthful ? 2 : 3,
      }),
    })
    .map(({ doc, assertions }) => {
      // The judge sees what JSON.parse makes of the text, so the oracle does too.
      const text = JSON.stringify(doc);
      const parsed = JSON.parse(text) as Json;
      return {
        text,
        doc: parsed,
        assertions: assertions.map(({ segments, specs }) => ({
          segments,
          predicates: buildPredicates(
            truthful ? specs.map((s) => ({ ...s, truthful: true })) : specs,
            segments,
            parsed,
          ),
        })),
      };
    });

function describeCase(c: {
  text: string;
  assertions: Array<{ segments: Segment[]; predicates: Predicates }>;
}) {
  return JSON.stringify({
    body: c.text,
    body_assertions: c.assertions.map((a) => ({ path: renderPath(a.segments), ...a.predicates })),
  });
}

export interface Counters {
  green: number;
  red: number;
  mutations: number;
}

/** Registers the judge properties with `runs` cases each; `seed` replays a failure. */
export function judgeProperties(runs: number, counters?: Counters): void {
  const params = { numRuns: runs, seed: seedFromEnv(), endOnFailure: false };

  it(`then green only when every assertion holds on what was selected (${runs} cases)`, () => {
    fc.assert(
      fc.property(gateCase(pathSegments), (c) => {
        const verdicts = c.assertions.map((a) => oracle(a.segments, a.predicates, c.doc));
        const want = verdicts.every((v) => v.green);
        const got = judge(observe(c.text), expectation(c.assertions), ctx);
        const green = got.failures.length === 0;
        if (counters) counters[want ? "green" : "red"]++;
        // Fail-closed first: never green where the oracle says red.
        if (green && !want) throw new Error(`green but should be red: ${describeCase(c)}`);
        if (!green && want)
          throw new Error(
            `red but should be green: ${describeCase(c)} ${JSON.stringify(got.failures.map((f) => f.message))}`,
          );
        // An empty selection is red as such, unless count: 0 or exists: false allowed it.
        if (verdicts.some((v) => v.emptySelection))
          expect(got.failures.map((f) => f.kind)).toContain("empty-selection");
      }),
      params,
    );
  });

  it(`then changing one value an every or equals assertion selected turns a green response red (${runs} cases)`, () => {
    fc.assert(
      fc.property(
        gateCase(plainPathSegments, true).filter((c) =>
          c.assertions.some(
            (a) => a.predicates.every !== undefined || a.predicates.equals !== undefined,
          ),
        ),
        fc.nat(),
        (c, pick) => {
          const exp = expectation(c.assertions);
          fc.pre(judge(observe(c.text), exp, ctx).failures.length === 0);
          for (const a of c.assertions) {
            const { every, equals } = a.predicates;
            if (every === undefined && equals === undefined) continue;
            const v = oracle(a.segments, a.predicates, c.doc);
            const selected = every !== undefined ? v.items : v.nodes;
            if (selected.length === 0) continue;
            const target = selected[pick % selected.length]!;
            const mutated = JSON.stringify(replaceAt(c.doc, target.at, "\u0000mutated"));
            const after = judge(observe(mutated), exp, ctx);
            if (counters) counters.mutations++;
            if (after.failures.length === 0)
              throw new Error(
                `still green after changing ${JSON.stringify(target.at)}: ${describeCase({ ...c, text: mutated })}`,
              );
          }
        },
      ),
      params,
    );
  });
}

function seedFromEnv(): number | undefined {
  const seed = process.env.PROOF_SEED;
  return seed ? Number(seed) : undefined;
}
