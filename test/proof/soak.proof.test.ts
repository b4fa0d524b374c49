import type http from "node:http";
import { getHeapSpaceStatistics } from "node:v8";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject, planProject, runPlan } from "../../src/core/check.js";
import { configYaml, makeProject, type Project } from "../helpers/project.js";
import { startServer, type TestServer } from "../helpers/server.js";

/** Gate evaluations in all (SOAK_EVALUATIONS); the issue asks for 10,000. */
const EVALUATIONS = Number(process.env.SOAK_EVALUATIONS ?? "10000");
const GATES = 10;
const RUNS = Math.ceil(EVALUATIONS / GATES);
const SEED = Number(process.env.PROOF_SEED ?? Date.now() % 2 ** 31);

/** What the server may answer, and whether the gate must then be green. */
const ANSWERS: Array<[name: string, green: boolean, weight: number]> = [
  ["green", true, 40],
  ["green-chunked", true, 10],
  ["ok-false", false, 8],
  ["short-list", false, 5],
  ["json-500", false, 5],
  ["html-404", false, 5],
  ["html-500", false, 5],
  ["invalid-json", false, 5],
  ["empty", false, 4],
  ["text-plain", false, 4],
  ["503", false, 4],
  ["reset", false, 3],
  ["truncated", false, 3],
  ["stall", false, 0.2],
];
const TOTAL_WEIGHT = ANSWERS.reduce((n, [, , w]) => n + w, 0);

function pickAnswer(at: number): string {
  let left = at;
  for (const [kind, , weight] of ANSWERS) {
    left -= weight;
    if (left < 0) return kind;
  }
  return ANSWERS[0]![0];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const green = (ok = true, n = 4) =>
  JSON.stringify({
    version: "1.4.0",
    checks: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, ok: i === 2 ? ok : true })),
  });

function answer(kind: string, res: http.ServerResponse): void {
  const json = { "content-type": "application/json" };
  switch (kind) {
    case "green":
      return void res.writeHead(200, json).end(green());
    case "green-chunked":
      res.writeHead(200, json);
      res.write(green().slice(0, 10));
      return void setTimeout(() => res.end(green().slice(10)), 2);
    case "ok-false":
      return void res.writeHead(200, json).end(green(false));
    case "short-list":
      return void res.writeHead(200, json).end(green(true, 2));
    case "json-500":
      return void res.writeHead(500, json).end(green());
    case "html-404":
      return void res
        .writeHead(404, { "content-type": "text/html" })
        .end("<!doctype html><title>404</title>");
    case "html-500":
      return void res
        .writeHead(500, { "content-type": "text/html" })
        .end("<html><body>500</body></html>");
    case "invalid-json":
      return void res.writeHead(200, json).end(green().slice(0, -2));
    case "empty":
      return void res.writeHead(200, json).end();
    case "text-plain":
      return void res.writeHead(200, { "content-type": "text/plain" }).end(green());
    case "503":
      return void res.writeHead(503, json).end('{"error":"unavailable"}');
    case "reset":
      return void res.socket?.resetAndDestroy();
    case "truncated":
      res.writeHead(200, { ...json, "content-length": "500" });
      res.write(green().slice(0, 30));
      return void setTimeout(() => res.socket?.destroy(), 2);
    case "stall":
      return; // the gate's 2 s timeout ends it
  }
}

const gate = (i: number) => `name: soak ${i}
host: api
request:
  path: /soak/${i}
  timeout: 2s
expect:
  status: 200
  contentType: application/json
  body:
    - path: $.checks[0:4]
      count: 4
      every: { ok: true }
    - path: $.version
      matches: "^1\\\\."
`;

let server: TestServer;
let project: Project;
const answered = new Map<number, string>();
const random = mulberry32(SEED);

beforeAll(async () => {
  server = await startServer((req, res) => {
    const i = Number(/^\/soak\/(\d+)/.exec(req.url ?? "")?.[1]);
    const kind = pickAnswer(random() * TOTAL_WEIGHT);
    answered.set(i, kind);
    answer(kind, res);
  });
  const files: Record<string, string> = {
    "shipgate.yaml": configYaml({ local: { api: server.url } }),
  };
  for (let i = 0; i < GATES; i++) files[`gates/g${i}.yaml`] = gate(i);
  project = await makeProject(files);
});
afterAll(async () => {
  await server?.close();
  await project?.remove();
});

const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;

/** Where the first RSS readings are taken: after 1,000 evaluations, and 100 and 200 more. */
const FIRST_READINGS = [1000, 1100, 1200];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

/**
 * RSS after a full collection, a turn of the event loop and a last-resort
 * collection, the one V8 runs under memory pressure.
 * - Node 24 sizes the young generation by allocation rate (its new space
 *   reached 128 MB) and keeps it after a regular collection: RSS swung by 60
 *   MB with GC timing alone (185 -> 285 -> 148 MB in one soak) while the old
 *   space held 25-35 MB. The last-resort collection shrinks it again (on
 *   Node 20 the call is a no-op).
 * - Node 20 hands pages freed by a collection back to the system from a
 *   background thread, later: RSS read just after a collection varied by 30%
 *   (137-197 MB within one soak). vitest.proof.config.ts runs the proof
 *   workers with --single-threaded-gc, so freed pages are gone when gc()
 *   returns and RSS is what the process retains.
 */
async function rss(): Promise<number> {
  const gc = (globalThis as { gc?: (options?: object) => void }).gc;
  gc?.();
  await new Promise((resolve) => setImmediate(resolve));
  gc?.({ type: "major", execution: "sync", flavor: "last-resort" });
  return process.memoryUsage().rss;
}

describe("when gates run again and again against a server that answers at random", () => {
  it(`then ${EVALUATIONS} evaluations give no wrong verdict and RSS stays within 20%`, async () => {
    const loaded = await loadProject({ cwd: project.dir });
    const plan = await planProject(loaded, { cwd: project.dir });
    expect(plan.gates).toHaveLength(GATES);
    const wrong: string[] = [];
    const seen = new Map<string, number>();
    let evaluations = 0;
    // RSS is read three times at each end, a hundred evaluations apart, and
    // the median taken: one reading can land on a collection's spike.
    const first: number[] = [];
    const last: number[] = [];
    const trace: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      answered.clear();
      const result = await runPlan(loaded, plan, { concurrency: GATES });
      result.gates.forEach((g, i) => {
        const kind = answered.get(i) ?? "(no request)";
        const want = ANSWERS.find(([k]) => k === kind)?.[1] ?? false;
        seen.set(kind, (seen.get(kind) ?? 0) + 1);
        if (g.ok !== want)
          wrong.push(
            `run ${run} gate ${i}: ${kind} gave ${g.ok ? "green" : "red"}: ${JSON.stringify(g.failures)}`,
          );
        evaluations++;
      });
      if (result.ok !== result.gates.every((g) => g.ok)) wrong.push(`run ${run}: run.ok disagrees`);
      const atFirst = FIRST_READINGS.includes(evaluations);
      const atEnd = EVALUATIONS - evaluations <= 200 && evaluations % 100 === 0;
      if (!atFirst && !atEnd && evaluations % 1000 !== 0) continue;
      const now = await rss();
      if (atFirst) first.push(now);
      if (atEnd) last.push(now);
      if (evaluations % 1000 === 0) {
        const m = process.memoryUsage();
        const spaces = getHeapSpaceStatistics();
        const space = (name: string) =>
          mb(spaces.find((x) => x.space_name === name)?.space_size ?? 0);
        trace.push(
          `${evaluations}: rss ${mb(now)} heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} (new space ${space("new_space")}, old space ${space("old_space")}) external ${mb(m.external)} buffers ${mb(m.arrayBuffers)}`,
        );
      }
    }
    const rssAfterFirst1000 = median(first);
    const rssAtEnd = median(last);
    console.log(
      `soak (seed ${SEED}): ${evaluations} evaluations, ${wrong.length} wrong verdicts; RSS after the first 1000 ${mb(rssAfterFirst1000)}, at the end ${mb(rssAtEnd)} (${((rssAtEnd / rssAfterFirst1000 - 1) * 100).toFixed(1)}%); answers ${[...seen].map(([k, n]) => `${k} ${n}`).join(", ")}`,
    );
    console.log(
      `soak RSS readings: after the first 1000 ${first.map(mb).join(", ")}; at the end ${last.map(mb).join(", ")}`,
    );
    console.log(`soak memory after each 1000: ${trace.join("; ")}`);
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(evaluations).toBe(RUNS * GATES);
    // The issue's bound is for the full soak; a shorter one is still mostly warm-up.
    if (EVALUATIONS >= 10_000) {
      expect([first.length, last.length]).toEqual([3, 3]);
      expect(rssAtEnd).toBeLessThanOrEqual(rssAfterFirst1000 * 1.2);
    }
  });
});
