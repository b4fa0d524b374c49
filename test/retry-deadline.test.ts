import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { refusedPort } from "./helpers/fault-server.js";
import { configYaml, makeProject, type Project } from "./helpers/project.js";
import { json, startServer, type TestServer } from "./helpers/server.js";

interface GateJson {
  name: string;
  ok: boolean;
  durationMs: number;
  attempts: number;
  passedOnRetry: boolean;
  warnings: string[];
  failures: Array<{ kind: string; message: string }>;
  steps: Array<{ attempts: Array<{ attempt: number; status: number | null; failure?: string }> }>;
}
interface ReportJson {
  ok: boolean;
  stopped: string | null;
  gates: GateJson[];
}

/** `/fail/STATUS/N/KEY` answers STATUS to the first N requests of KEY, then 200. */
function handlerWithCounts(counts: Map<string, number>) {
  return startServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const [, route, a, b, key] = url.pathname.split("/");
    if (route === "hang") return;
    if (route === "slow") {
      setTimeout(() => json(res, { ok: true }), Number(a));
      return;
    }
    if (route === "fail") {
      const id = `${req.method} ${key}`;
      const n = (counts.get(id) ?? 0) + 1;
      counts.set(id, n);
      if (n <= Number(b)) return json(res, { error: "try again" }, Number(a));
      return json(res, { ok: true });
    }
    json(res, { ok: true });
  });
}

function gate(
  name: string,
  path: string,
  opts: { method?: string; retry?: string; timeout?: string } = {},
) {
  return [
    `name: ${name}`,
    `host: ${path.startsWith("http") ? "dead" : "api"}`,
    "request:",
    `  method: ${opts.method ?? "GET"}`,
    `  path: ${path.startsWith("http") ? "/" : path}`,
    opts.timeout ? `  timeout: ${opts.timeout}` : "",
    opts.retry ? `retry: ${opts.retry}` : "",
    "expect:",
    "  status: 200",
    "  body:",
    "    - path: $.ok",
    "      equals: true",
  ]
    .filter(Boolean)
    .join("\n");
}

let server: TestServer;
const counts = new Map<string, number>();
let deadPort: number;

beforeAll(async () => {
  server = await handlerWithCounts(counts);
  deadPort = await refusedPort();
});
afterAll(async () => {
  await server?.close();
});

async function run(files: Record<string, string>, args: string[] = []) {
  const project: Project = await makeProject({
    "shipgate.yaml": configYaml({
      local: { api: server.url, dead: `http://127.0.0.1:${deadPort}` },
    }),
    ...files,
  });
  try {
    const res = await runCli(["check", "--reporter", "json", ...args], { cwd: project.dir });
    expect(res.stderr).not.toMatch(/internal error/);
    return { res, report: JSON.parse(res.stdout) as ReportJson };
  } finally {
    await project.remove();
  }
}

const byName = (report: ReportJson, name: string) => report.gates.find((g) => g.name === name)!;
const retry3 = "{ attempts: 3, delay: 50ms }";

describe("when gates retry", () => {
  let report: ReportJson;
  let code: number | null;
  beforeAll(async () => {
    const out = await run({
      "gates/none.yaml": gate("none", "/fail/503/1/none"),
      "gates/r503.yaml": gate("r503", "/fail/503/2/r503", { retry: retry3 }),
      "gates/r502.yaml": gate("r502", "/fail/502/1/r502", { retry: retry3 }),
      "gates/r504.yaml": gate("r504", "/fail/504/1/r504", { retry: retry3 }),
      "gates/r500.yaml": gate("r500", "/fail/500/1/r500", { retry: retry3 }),
      "gates/r404.yaml": gate("r404", "/fail/404/1/r404", { retry: retry3 }),
      "gates/post.yaml": gate("post", "/fail/503/1/post", { method: "POST", retry: retry3 }),
      "gates/patch.yaml": gate("patch", "/fail/503/1/patch", { method: "PATCH", retry: retry3 }),
      "gates/unsafe.yaml": gate("unsafe", "/fail/503/1/unsafe", {
        method: "POST",
        retry: "{ attempts: 3, delay: 50ms, unsafe: true }",
      }),
      "gates/timeout.yaml": gate("timeout", "/hang", {
        retry: "{ attempts: 2, delay: 50ms }",
        timeout: "300ms",
      }),
      "gates/refused.yaml": gate("refused", "http://dead", {
        retry: "{ attempts: 2, delay: 50ms }",
      }),
      "gates/exhausted.yaml": gate("exhausted", "/fail/503/9/exhausted", { retry: retry3 }),
    });
    report = out.report;
    code = out.res.code;
  });

  it("then the run is red, exit 1", () => {
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
  });

  it("then by default there is one attempt", () => {
    const g = byName(report, "none");
    expect(g).toMatchObject({ ok: false, attempts: 1 });
    expect(counts.get("GET none")).toBe(1);
  });

  it("then a 503 twice is retried and the gate says it passed on a retry, listing each attempt", () => {
    const g = byName(report, "r503");
    expect(g).toMatchObject({ ok: true, attempts: 3, passedOnRetry: true });
    expect(g.warnings.join(" ")).toMatch(/passed on a retry/);
    expect(g.steps[0]!.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(g.steps[0]!.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
  });

  it("then 502 and 504 are retried", () => {
    expect(byName(report, "r502")).toMatchObject({ ok: true, attempts: 2, passedOnRetry: true });
    expect(byName(report, "r504")).toMatchObject({ ok: true, attempts: 2, passedOnRetry: true });
  });

  it("then 500 and 404 are not retried", () => {
    expect(byName(report, "r500")).toMatchObject({ ok: false, attempts: 1 });
    expect(byName(report, "r404")).toMatchObject({ ok: false, attempts: 1 });
    expect(counts.get("GET r500")).toBe(1);
    expect(counts.get("GET r404")).toBe(1);
  });

  it("then POST and PATCH are not retried without unsafe: true, and are with it", () => {
    expect(byName(report, "post")).toMatchObject({ ok: false, attempts: 1 });
    expect(byName(report, "patch")).toMatchObject({ ok: false, attempts: 1 });
    expect(counts.get("POST post")).toBe(1);
    expect(counts.get("PATCH patch")).toBe(1);
    expect(byName(report, "unsafe")).toMatchObject({ ok: true, attempts: 2, passedOnRetry: true });
  });

  it("then timeouts and refused connections are retried and stay red with their kind", () => {
    const t = byName(report, "timeout");
    expect(t).toMatchObject({ ok: false, attempts: 2, passedOnRetry: false });
    expect(t.failures.map((f) => f.kind)).toEqual(["timeout"]);
    expect(t.steps[0]!.attempts.map((a) => a.failure)).toEqual(["timeout", "timeout"]);
    const r = byName(report, "refused");
    expect(r).toMatchObject({ ok: false, attempts: 2 });
    expect(r.failures.map((f) => f.kind)).toEqual(["connection"]);
  });

  it("then retries that run out stay red with the last status", () => {
    const g = byName(report, "exhausted");
    expect(g).toMatchObject({ ok: false, attempts: 3, passedOnRetry: false });
    expect(g.failures.map((f) => f.kind)).toContain("status");
    expect(counts.get("GET exhausted")).toBe(3);
  });
});

describe("when the run has a --deadline", () => {
  it("then what is left is cancelled with kind deadline within the deadline plus one second", async () => {
    const files: Record<string, string> = {};
    for (const n of [1, 2, 3])
      files[`gates/h${n}.yaml`] = gate(`h${n}`, "/hang", { timeout: "20s" });
    const green = await run({ "gates/ok.yaml": gate("ok", "/slow/0") });
    expect(green.res.code).toBe(0);
    const { res, report } = await run(files, ["--deadline", "1s", "--concurrency", "1"]);
    expect(res.code).toBe(1);
    expect(report.stopped).toBe("deadline");
    expect(report.gates.map((g) => g.name)).toEqual(["h1", "h2", "h3"]);
    for (const g of report.gates) {
      expect(g.ok).toBe(false);
      expect(g.failures.map((f) => f.kind)).toEqual(["deadline"]);
    }
    // A fail-closed bound, as the issue asks: the deadline plus one second beyond a green run.
    expect(res.durationMs).toBeLessThan(1000 + 1000 + green.res.durationMs);
  });
});

describe("when the deadline passes while a gate waits to retry", () => {
  it("then the gate is red with kind deadline and its attempts so far", async () => {
    const { res, report } = await run(
      {
        "gates/wait.yaml": gate("wait", "/fail/503/9/wait", {
          retry: "{ attempts: 5, delay: 20s }",
        }),
      },
      // Long enough for the first attempt to finish on a loaded machine; the wait is 20 s.
      ["--deadline", "3s"],
    );
    expect(res.code).toBe(1);
    const g = byName(report, "wait");
    expect(g.failures.map((f) => f.kind)).toEqual(["deadline"]);
    expect(g.failures[0]!.message).toContain("status 503");
    expect(g.steps[0]!.attempts.map((a) => a.status)).toEqual([503]);
  });
});

describe("when gates run concurrently", () => {
  it("then results come in plan order whatever order they finish in", async () => {
    const files: Record<string, string> = {};
    ["a", "b", "c", "d", "e"].forEach((name, i) => {
      files[`gates/${name}.yaml`] = gate(name, `/slow/${(4 - i) * 120}`);
    });
    for (const concurrency of ["1", "5"]) {
      const { res, report } = await run(files, ["--concurrency", concurrency]);
      expect(res.code).toBe(0);
      expect(report.gates.map((g) => g.name)).toEqual(["a", "b", "c", "d", "e"]);
    }
  });
});
