import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/core/check.js";
import { InputError } from "../../src/errors.js";
import { runCli } from "../helpers/cli.js";
import { configYaml, makeProject, type Project } from "../helpers/project.js";
import { json, startServer, type TestServer } from "../helpers/server.js";

// Found by the input fuzz tests (huge numbers): durations the schema allows but
// no timer can hold crashed the run with a RangeError from AbortSignal.timeout.
let server: TestServer;
let project: Project | undefined;
beforeAll(async () => {
  server = await startServer((_req, res) => json(res, { ok: true }));
});
afterAll(() => server.close());
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

const gate = (request = "", extra = "") =>
  `name: g\nhost: api\n${extra}request:\n  path: /x\n${request}expect:\n  status: 200\n`;

async function refusal(files: Record<string, string>) {
  project = await makeProject({
    "shipgate.yaml": configYaml({ local: { api: server.url } }),
    ...files,
  });
  const error = await check({ cwd: project.dir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  // The schema refuses integers past a timer's range; plan refuses durations written as text.
  return (error as InputError).problems.map(
    (p) => `${p.file}:${p.line}: ${p.path ? `${p.path}: ` : ""}${p.message}`,
  );
}

describe("when a duration is longer than a timer can hold", () => {
  it("then a gate's request.timeout is refused before any request, naming the gate file", async () => {
    const problems = await refusal({ "gates/g.yaml": gate("  timeout: 4294967296\n") });
    expect(problems).toEqual([expect.stringMatching(/^gates\/g\.yaml:5: request\.timeout: /)]);
    expect(server.requests).toEqual([]);
  });

  it("then defaults.timeout is refused once, naming shipgate.yaml", async () => {
    const problems = await refusal({
      "shipgate.yaml": configYaml(
        { local: { api: server.url } },
        "defaults:\n  timeout: 99999999999999999999999s\n",
      ),
      "gates/a.yaml": gate(),
      "gates/b.yaml": gate().replace("name: g", "name: h"),
    });
    expect(problems).toEqual([expect.stringMatching(/^shipgate\.yaml:\d+: defaults\.timeout: /)]);
  });

  it("then a retry delay is refused, naming the gate file", async () => {
    const problems = await refusal({
      "gates/g.yaml": gate("", "retry: { attempts: 2, delay: 99999999999 }\n"),
    });
    expect(problems).toEqual([expect.stringMatching(/^gates\/g\.yaml:3: retry\.delay: /)]);
  });

  it("then the CLI exits 2 without a stack trace", async () => {
    project = await makeProject({
      "shipgate.yaml": configYaml(
        { local: { api: server.url } },
        "defaults:\n  timeout: 99999999999\n",
      ),
      "gates/g.yaml": gate(),
    });
    const res = await runCli(["check"], { cwd: project.dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^shipgate\.yaml:\d+:\d+: defaults\.timeout: /m);
    expect(res.stderr).not.toMatch(/internal error|RangeError/);
  });
});
