import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import {
  type FaultServer,
  refusedPort,
  startFaultServer,
  startSelfSignedServer,
  type TlsServer,
  UNRESOLVABLE_URL,
} from "./helpers/fault-server.js";
import { configYaml, makeProject, type Project } from "./helpers/project.js";

/** The per-request timeout of every gate here; each fault must be red within it plus 1 s. */
const TIMEOUT_MS = 1000;
const BOUND_MS = TIMEOUT_MS + 1000;

interface GateJson {
  name: string;
  ok: boolean;
  durationMs: number;
  attempts: number;
  failures: Array<{ kind: string; message: string; hint: string | null; excerpt: string | null }>;
}

let faults: FaultServer;
let tls: TlsServer;
let project: Project;
/** A green one-gate run of the same CLI: what starting the process costs here. */
let baselineMs = 0;

function gate(name: string, host: string, path: string, extra = ""): string {
  return [
    `name: ${name}`,
    `host: ${host}`,
    "request:",
    `  path: ${path}`,
    `  timeout: ${TIMEOUT_MS}ms`,
    "expect:",
    "  status: 200",
    "  body:",
    "    - path: $.checks[*]",
    "      every: { ok: true }",
    extra,
  ].join("\n");
}

beforeAll(async () => {
  faults = await startFaultServer();
  tls = await startSelfSignedServer();
  const refused = await refusedPort();
  project = await makeProject({
    "shipgate.yaml": configYaml({
      local: {
        api: faults.url,
        refused: `http://127.0.0.1:${refused}`,
        nowhere: UNRESOLVABLE_URL,
        tls: tls.url,
      },
    }),
    "gates/ok.yaml": gate("ok", "api", "/ok"),
  });
  const green = await runCli(["check", "gates/ok.yaml", "--reporter", "json"], {
    cwd: project.dir,
  });
  expect(green.code, green.stderr).toBe(0);
  baselineMs = green.durationMs;
});

afterAll(async () => {
  await project?.remove();
  await faults?.close();
  await tls?.close();
});

async function runFault(
  file: string,
  text: string,
  green = false,
): Promise<{ gate: GateJson; code: number | null; durationMs: number; stdout: string }> {
  await project.write(file, text);
  const res = await runCli(["check", file, "--reporter", "json"], {
    cwd: project.dir,
    timeoutMs: 20_000,
  });
  expect(res.stderr).not.toMatch(/internal error/);
  const report = JSON.parse(res.stdout) as { ok: boolean; gates: GateJson[] };
  expect(report.ok).toBe(green);
  expect(report.gates).toHaveLength(1);
  return { gate: report.gates[0]!, code: res.code, durationMs: res.durationMs, stdout: res.stdout };
}

const kinds = (g: GateJson) => g.failures.map((f) => f.kind);

describe("when the server misbehaves, then check is red with the right kind within the deadline", () => {
  it.each([
    ["hang before headers", "/hang", "timeout"],
    ["headers then a stalled body", "/stall", "timeout"],
    ["a body dripping one byte every 200 ms", "/drip", "timeout"],
  ])("%s: kind %s", async (_title, path, kind) => {
    const {
      gate: g,
      code,
      durationMs,
    } = await runFault(`gates${path}.yaml`, gate(path.slice(1), "api", path));
    expect(code).toBe(1);
    expect(g.ok).toBe(false);
    expect(kinds(g)).toEqual([kind]);
    // Fail-closed bound the issue asks for: the deadline plus one second.
    expect(g.durationMs).toBeLessThan(BOUND_MS);
    expect(durationMs).toBeLessThan(BOUND_MS + baselineMs);
  });

  it("a reset mid-body is a connection failure", async () => {
    const { gate: g, code } = await runFault("gates/reset.yaml", gate("reset", "api", "/reset"));
    expect(code).toBe(1);
    expect(kinds(g)).toEqual(["connection"]);
    expect(g.durationMs).toBeLessThan(BOUND_MS);
  });

  it.each([
    ["with a content-length", "/big"],
    ["chunked", "/big-chunked"],
  ])("a 50 MB body %s is body-too-large", async (_title, path) => {
    // 10 MB must cross loopback before the cap trips; on a loaded machine that can take over 1 s.
    const { gate: g, code } = await runFault(
      `gates${path}.yaml`,
      gate(path.slice(1), "api", path).replace(`timeout: ${TIMEOUT_MS}ms`, "timeout: 10s"),
    );
    expect(code).toBe(1);
    expect(kinds(g)).toEqual(["body-too-large"]);
    expect(g.failures[0]!.hint).toMatch(/maxBodySize/);
    expect(g.durationMs).toBeLessThan(10_000 + 1000);
  });

  it("maxBodySize from shipgate.yaml bounds the body", async () => {
    const small = await makeProject({
      "shipgate.yaml": configYaml(
        { local: { api: faults.url } },
        "defaults:\n  maxBodySize: 1KB\n",
      ),
      "gates/kb.yaml": gate("kb", "api", "/kilobytes"),
    });
    try {
      const res = await runCli(["check", "--reporter", "json"], { cwd: small.dir });
      expect(res.code).toBe(1);
      const report = JSON.parse(res.stdout) as { gates: GateJson[] };
      expect(kinds(report.gates[0]!)).toEqual(["body-too-large"]);
    } finally {
      await small.remove();
    }
    const { gate: g } = await runFault("gates/kb-ok.yaml", gate("kb", "api", "/kilobytes"), true);
    expect(g.ok).toBe(true);
  });

  it("invalid JSON is invalid-json", async () => {
    const { gate: g, code } = await runFault(
      "gates/invalid.yaml",
      gate("invalid", "api", "/invalid-json"),
    );
    expect(code).toBe(1);
    expect(kinds(g)).toEqual(["invalid-json"]);
  });

  it("an HTML 404 is html-response beside status, naming the title and the host key", async () => {
    const { gate: g, code } = await runFault("gates/h404.yaml", gate("h404", "api", "/html-404"));
    expect(code).toBe(1);
    expect(kinds(g).sort()).toEqual(["html-response", "status"]);
    const html = g.failures.find((f) => f.kind === "html-response")!;
    expect(html.message).toContain("404 · Not Found · Example");
    expect(html.hint).toContain("environments.local.hosts.api");
  });

  it("an HTML 500 is html-response beside status with an excerpt and the request id", async () => {
    const { gate: g, code } = await runFault("gates/h500.yaml", gate("h500", "api", "/html-500"));
    expect(code).toBe(1);
    expect(kinds(g).sort()).toEqual(["html-response", "status"]);
    const excerpts = g.failures.map((f) => f.excerpt ?? "").join(" ");
    expect(excerpts).toContain("500 Internal Server Error");
    expect(excerpts).not.toMatch(/<center>|<h1>/);
    const report = JSON.parse(JSON.stringify(g)) as { failures: Array<{ requestId: string }> };
    expect(report.failures.map((f) => f.requestId)).toContain("x-request-id: req-500-abc");
  });

  it("an empty 500 is status, never green, and says the body was empty", async () => {
    const { gate: g, code } = await runFault("gates/e500.yaml", gate("e500", "api", "/empty-500"));
    expect(code).toBe(1);
    expect(kinds(g)).toContain("status");
    expect(g.failures.map((f) => f.excerpt).join(" ")).toMatch(/500.*empty body/);
  });

  it("a redirect to another origin is not followed and is red", async () => {
    const { gate: g, code } = await runFault(
      "gates/away.yaml",
      gate("away", "api", "/redirect-away").replace(
        "  timeout:",
        "  followRedirects: true\n  timeout:",
      ),
    );
    expect(code).toBe(1);
    expect(kinds(g)).toContain("status");
    expect(g.failures[0]!.message).toContain(faults.other.url);
    expect(faults.other.requests).toEqual([]);
  });

  it("a same-origin redirect is followed only when the gate asks", async () => {
    const follow = gate("here", "api", "/redirect-here").replace(
      "  timeout:",
      "  followRedirects: true\n  timeout:",
    );
    await project.write("gates/here.yaml", follow);
    const green = await runCli(["check", "gates/here.yaml", "--reporter", "json"], {
      cwd: project.dir,
    });
    expect(green.code).toBe(0);
    const { gate: g, code } = await runFault(
      "gates/here2.yaml",
      gate("here2", "api", "/redirect-here"),
    );
    expect(code).toBe(1);
    expect(kinds(g)).toContain("status");
  });

  it("a redirect to another origin is red without followRedirects too", async () => {
    const { gate: g, code } = await runFault(
      "gates/away2.yaml",
      gate("away2", "api", "/redirect-away"),
    );
    expect(code).toBe(1);
    expect(kinds(g)).toContain("status");
    expect(kinds(g)).not.toContain("timeout");
    expect(g.failures[0]!.message).toContain(`a redirect to ${faults.other.url}`);
    expect(faults.other.requests).toEqual([]);
  });

  it.each([
    ["connection refused", "refused"],
    ["an unresolvable host name", "nowhere"],
    ["a self-signed TLS certificate", "tls"],
  ])("%s is a connection failure", async (_title, host) => {
    const { gate: g, code } = await runFault(`gates/${host}.yaml`, gate(host, host, "/ok"));
    expect(code).toBe(1);
    expect(kinds(g)).toEqual(["connection"]);
    expect(g.failures[0]!.hint).toContain(`environments.local.hosts.${host}`);
    expect(g.durationMs).toBeLessThan(BOUND_MS);
  });
});
