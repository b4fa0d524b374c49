import { afterEach, describe, expect, it } from "vitest";
import { check } from "../../src/core/check.js";
import { InputError } from "../../src/errors.js";
import { RunStop } from "../../src/run/signals.js";
import { Redactor } from "../../src/template/redact.js";
import { runCli } from "../helpers/cli.js";
import { configYaml, makeProject, type Project } from "../helpers/project.js";
import { json, startServer, type TestServer } from "../helpers/server.js";

/** A small queue API: PUT creates, POST publishes (echoing what it got), GET reads back, DELETE removes. */
interface QueueApi {
  server: TestServer;
  deletions: string[];
  bodies: unknown[];
  headers: Array<Record<string, string | string[] | undefined>>;
  /** Set to make one route misbehave. */
  mode: { publish: "ok" | "hang" | "html500"; teardown: "ok" | "fail" };
}

async function queueApi(): Promise<QueueApi> {
  const api: Omit<QueueApi, "server"> = {
    deletions: [],
    bodies: [],
    headers: [],
    mode: { publish: "ok", teardown: "ok" },
  };
  const stored = new Map<string, unknown>();
  const server = await startServer((req, res, body) => {
    api.headers.push(req.headers);
    const url = new URL(req.url ?? "/", "http://x");
    const [, , name, sub] = url.pathname.split("/");
    if (req.method === "PUT") return json(res, { name, size: 0 }, 201);
    if (req.method === "DELETE") {
      api.deletions.push(name ?? "");
      if (api.mode.teardown === "fail") return json(res, { error: "storage offline" }, 503);
      return json(res, { deleted: name });
    }
    if (req.method === "POST" && sub === "messages") {
      if (api.mode.publish === "hang") return;
      if (api.mode.publish === "html500") {
        res.writeHead(500, { "content-type": "text/html" });
        return res.end(
          "<html><head><title>500 Internal Server Error</title></head><body>Sorry</body></html>",
        );
      }
      const parsed = JSON.parse(body || "null") as unknown;
      api.bodies.push(parsed);
      stored.set(name ?? "", parsed);
      return json(res, { id: 42, echo: parsed, query: Object.fromEntries(url.searchParams) }, 202, {
        "x-message-key": `key-${name}`,
      });
    }
    if (req.method === "GET" && sub === "messages")
      return json(res, { body: stored.get(name ?? ""), empty: [] });
    json(res, { error: "no route" }, 404);
  });
  return { ...api, server } as QueueApi;
}

function flowGate(extra = ""): string {
  return `name: round trip
host: api
steps:
  - name: create
    request: { method: PUT, path: "/q/t-{{run.id}}" }
    expect: { status: [200, 201] }
  - name: publish
    request:
      method: POST
      path: "/q/t-{{run.id}}/messages"
      query: { trace: "{{run.id}}" }
      headers: { X-Version: "{{version}}" }
      json: { event: test, note: "from {{run.id}}", version: "{{version}}" }
      timeout: 1s
    expect:
      status: 202
      body:
        - path: $.echo.event
          equals: test
    capture:
      id: $.id
      key: { header: x-message-key }
      code: { status: true }
${extra}teardown:
  - name: delete
    request: { method: DELETE, path: "/q/t-{{run.id}}" }
    expect: { status: 200 }
`;
}

let api: QueueApi;
let project: Project;

async function setup(gate: string, config?: string): Promise<void> {
  api = await queueApi();
  project = await makeProject({
    "shipgate.yaml": config ?? configYaml({ staging: { api: api.server.url } }),
    "gates/flow.yaml": gate,
    "package.json": JSON.stringify({ name: "app", version: "2.3.4" }),
  });
}

afterEach(async () => {
  await api?.server.close();
  await project?.remove();
});

const readBack = `  - name: read back
    request:
      path: "/q/t-{{run.id}}/messages"
      headers: { X-Key: "{{key}}", X-Id: "{{id}}" }
    expect:
      status: 200
      body:
        - path: $.body.note
          matches: "^from [a-z0-9]{12}$"
        - path: $.body.version
          equals: "{{version}}"
`;

describe("flows: captures, templates, teardown", () => {
  it("when steps capture from the body and a header, then later steps use the values", async () => {
    await setup(flowGate(readBack));
    const { run } = await check({ cwd: project.dir });
    expect(run.ok).toBe(true);
    const gate = run.gates[0]!;
    expect(gate.steps.map((s) => s.name)).toEqual(["create", "publish", "read back", "delete"]);
    const captured = Object.fromEntries(gate.steps[1]!.captures.map((c) => [c.name, c.value]));
    expect(captured.id).toBe(42);
    expect(captured.code).toBe(202);
    expect(String(captured.key)).toMatch(/^key-t-[a-z0-9]{12}$/);
    const readHeaders = api.headers[2]!;
    expect(readHeaders["x-key"]).toBe(captured.key);
    expect(readHeaders["x-id"]).toBe("42");
  });

  it("when templates stand in path, query, headers and json body, then each is substituted and {{run.id}} is 12 characters", async () => {
    await setup(flowGate());
    const { run } = await check({ cwd: project.dir });
    expect(run.ok).toBe(true);
    const publish = api.server.requests.find((r) => r.startsWith("POST"))!;
    const runId = /\/q\/t-([a-z0-9]+)\/messages\?trace=([a-z0-9]+)/.exec(publish)!;
    expect(runId[1]).toHaveLength(12);
    expect(runId[2]).toBe(runId[1]);
    expect(api.bodies[0]).toEqual({ event: "test", note: `from ${runId[1]}`, version: "2.3.4" });
    expect(api.headers[1]!["x-version"]).toBe("2.3.4");
  });

  it("when a whole-value template names a captured number, then the number keeps its type", async () => {
    const typed = `  - name: forward
    request:
      method: POST
      path: "/q/t-{{run.id}}/messages"
      json: { id: "{{id}}", label: "id {{id}}" }
    expect:
      status: 202
      body:
        - path: $.echo.id
          equals: "{{id}}"
`;
    await setup(flowGate(typed));
    const { run } = await check({ cwd: project.dir });
    expect(run.ok).toBe(true);
    expect(api.bodies[1]).toEqual({ id: 42, label: "id 42" });
  });

  it("when the flow is green, then the teardown runs once", async () => {
    await setup(flowGate());
    const { run } = await check({ cwd: project.dir });
    expect(run.ok).toBe(true);
    expect(api.deletions).toHaveLength(1);
  });

  it("when a step is red, then later steps do not run and the teardown still does", async () => {
    await setup(flowGate(readBack));
    api.mode.publish = "html500";
    const { run } = await check({ cwd: project.dir });
    const gate = run.gates[0]!;
    expect(gate.ok).toBe(false);
    expect(gate.failures.map((f) => f.kind)).toEqual(
      expect.arrayContaining(["status", "html-response"]),
    );
    expect(gate.steps.map((s) => s.name)).toEqual(["create", "publish", "delete"]);
    expect(api.deletions).toHaveLength(1);
  });

  it("when a step times out, then the gate is red with kind timeout and the teardown runs", async () => {
    await setup(flowGate());
    api.mode.publish = "hang";
    const { run } = await check({ cwd: project.dir });
    expect(run.gates[0]!.failures.map((f) => f.kind)).toEqual(["timeout"]);
    expect(api.deletions).toHaveLength(1);
  });

  it("when the run is cancelled during a step, then the gate is interrupted and the teardown runs", async () => {
    await setup(flowGate());
    api.mode.publish = "hang";
    const controller = new AbortController();
    const waitForPublish = setInterval(() => {
      if (api.server.requests.some((r) => r.startsWith("POST")))
        controller.abort(new RunStop("interrupted"));
    }, 10);
    const { run } = await check({ cwd: project.dir, signal: controller.signal });
    clearInterval(waitForPublish);
    expect(run.stopped).toBe("interrupted");
    expect(run.gates[0]!.failures.map((f) => f.kind)).toEqual(["interrupted"]);
    expect(api.deletions).toHaveLength(1);
  });

  it("when the CLI gets SIGINT during a step, then it exits 130 after the teardown deleted the queue", async () => {
    await setup(flowGate().replace("timeout: 1s", "timeout: 20s"));
    api.mode.publish = "hang";
    const result = await runCli(["check", "--reporter", "json"], {
      cwd: project.dir,
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (api.server.requests.some((r) => r.startsWith("POST"))) {
            clearInterval(poll);
            child.kill("SIGINT");
          }
        }, 10);
      },
    });
    expect(result.code).toBe(130);
    expect(api.deletions).toHaveLength(1);
    const report = JSON.parse(result.stdout) as {
      gates: Array<{ failures: Array<{ kind: string }> }>;
    };
    expect(report.gates[0]!.failures[0]!.kind).toBe("interrupted");
  });

  it("when a capture selects nothing, then the flow stops red with empty-selection", async () => {
    await setup(flowGate(readBack).replace("id: $.id", "id: $.nothing"));
    const { run } = await check({ cwd: project.dir });
    const gate = run.gates[0]!;
    expect(gate.ok).toBe(false);
    expect(gate.failures.map((f) => f.kind)).toEqual(["empty-selection"]);
    expect(gate.failures[0]!.message).toContain("capture id");
    expect(gate.steps.map((s) => s.name)).toEqual(["create", "publish", "delete"]);
  });

  it("when a template names nothing captured earlier, then it is bad input (template) before any request", async () => {
    await setup(flowGate(readBack.replace("{{key}}", "{{keey}}")));
    await expect(check({ cwd: project.dir })).rejects.toSatisfy((e: unknown) => {
      const problems = (e as InputError).problems;
      return (
        e instanceof InputError &&
        problems.some(
          (p) => p.code === "template" && p.message.includes("{{keey}}") && p.line !== undefined,
        )
      );
    });
    expect(api.server.requests).toHaveLength(0);
    const cli = await runCli(["check"], { cwd: project.dir });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/gates\/flow\.yaml:\d+:\d+: .*\{\{keey\}\}/);
    expect(api.server.requests).toHaveLength(0);
  });

  it("when an environment value passes through a capture, then it stays redacted in every output", async () => {
    const secret = "s3cr3t-T0ken/with+chars";
    const gate = flowGate().replace(
      'json: { event: test, note: "from {{run.id}}", version: "{{version}}" }',
      'json: { event: test, note: "{{env.QUEUE_TOKEN}}" }',
    );
    await setup(
      gate.replace(
        "      code: { status: true }",
        "      code: { status: true }\n      token: $.echo.note",
      ),
    );
    const redactor = new Redactor();
    const { run } = await check({
      cwd: project.dir,
      processEnv: { ...process.env, QUEUE_TOKEN: secret },
      redactor,
    });
    expect(run.gates[0]!.steps[1]!.captures.find((c) => c.name === "token")!.value).toBe(secret);
    expect(redactor.redact(JSON.stringify(run))).not.toContain("s3cr3t");
    const cli = await runCli(["check", "--verbose", "--reporter", "human", "--reporter", "json"], {
      cwd: project.dir,
      env: { QUEUE_TOKEN: secret },
    });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain("captured token");
    for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      expect(cli.stdout + cli.stderr).not.toContain(form);
    }
  });

  it("when the teardown fails, then the gate keeps its verdict and carries a warning", async () => {
    await setup(flowGate());
    api.mode.teardown = "fail";
    const { run } = await check({ cwd: project.dir });
    const gate = run.gates[0]!;
    expect(gate.ok).toBe(true);
    expect(gate.warnings.join("\n")).toMatch(/teardown "delete".*status 503/);
    const cli = await runCli(["check"], { cwd: project.dir });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/warning: teardown "delete"/);
  });

  it("when a teardown needs a capture that never happened, then it is skipped with a warning", async () => {
    const gate = flowGate().replace(
      'path: "/q/t-{{run.id}}" }\n    expect: { status: 200 }',
      'path: "/q/t-{{run.id}}/{{id}}" }\n    expect: { status: 200 }',
    );
    await setup(gate);
    api.mode.publish = "html500";
    const { run } = await check({ cwd: project.dir });
    expect(run.gates[0]!.warnings.join("\n")).toMatch(
      /teardown "delete" skipped: \{\{id\}\} never captured/,
    );
    expect(api.deletions).toHaveLength(0);
  });

  it("when steps are malformed, then each problem names file, line and column", async () => {
    await setup(`name: broken
host: api
steps:
  - name: one
    reqest: { path: /x }
  - request: { path: /y, methd: GET }
    capture:
      bad-name: $.x
      ok: { header: 5 }
`);
    const cli = await runCli(["check"], { cwd: project.dir });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(
      'gates/flow.yaml:5:5: steps[0].reqest: unknown key "reqest"; did you mean "request"?',
    );
    expect(cli.stderr).toMatch(
      /gates\/flow\.yaml:6:\d+: steps\[1\]\.request\.methd: unknown key "methd"; did you mean "method"\?/,
    );
    expect(cli.stderr).toMatch(/gates\/flow\.yaml:8:\d+: .*bad-name/);
    expect(cli.stderr).toMatch(/gates\/flow\.yaml:9:\d+: steps\[1\]\.capture\.ok\.header/);
    expect(api.server.requests).toHaveLength(0);
  });
});
