/** The hostile-response property, shared by the default suite (few cases) and test:proof. */
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { judge } from "../../src/judge/judge.js";
import { HttpClient } from "../../src/run/http-client.js";
import { sendRequest } from "../../src/run/send-request.js";
import {
  gateExpectation,
  type HostileCase,
  type HostileServer,
  hostileCase,
  MAX_BODY,
  mustBeGreen,
  shouldBeGreen,
  startHostileServer,
  TIMEOUT_MS,
} from "./hostile.js";

/** The fail-closed bound the issue asks for: each request ends within its timeout plus 1 s. */
export const BOUND_MS = TIMEOUT_MS + 1_000;
const ctx = { environment: "local", hostKey: "api", hostUrl: "http://127.0.0.1" };

export interface HostileStats {
  cases: number;
  green: number;
  slowest: number;
}

export function hostileProperties(runs: number, stats?: HostileStats): void {
  let server: HostileServer;
  let client: HttpClient;
  let next = 0;
  beforeAll(async () => {
    server = await startHostileServer();
    client = new HttpClient({ maxBodyBytes: MAX_BODY });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  async function judgeOne(c: HostileCase): Promise<string | undefined> {
    const id = String(next++);
    server.cases.set(id, c);
    const started = performance.now();
    const observation = await sendRequest(
      client,
      {
        method: "GET",
        url: `${server.url}/case/${id}`,
        headers: {},
        timeoutMs: TIMEOUT_MS,
        followRedirects: false,
      },
      new AbortController().signal,
    );
    const took = performance.now() - started;
    server.cases.delete(id);
    const verdict = judge(observation, gateExpectation(), ctx);
    const green = verdict.failures.length === 0;
    if (stats) {
      stats.cases++;
      if (green) stats.green++;
      stats.slowest = Math.max(stats.slowest, took);
    }
    const what = `${JSON.stringify(c)} -> ${JSON.stringify(verdict.failures.map((f) => `${f.kind}: ${f.message}`))}`;
    if (green && !shouldBeGreen(c)) return `green without satisfying the gate: ${what}`;
    if (!green && mustBeGreen(c))
      return `red on a prompt, well-formed, satisfying response: ${what}`;
    if (took > BOUND_MS) return `took ${Math.round(took)} ms, more than ${BOUND_MS} ms: ${what}`;
    return undefined;
  }

  it(`then no hostile response is green unless it satisfies the gate, and each ends within ${BOUND_MS} ms (${runs} batches)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileCase, { minLength: 1, maxLength: 6 }), async (batch) => {
        // A batch runs at once, as gates do with concurrency.
        const wrong = (await Promise.all(batch.map(judgeOne))).filter(Boolean);
        expect(wrong).toEqual([]);
      }),
      { numRuns: runs, seed: process.env.PROOF_SEED ? Number(process.env.PROOF_SEED) : undefined },
    );
  });
}
