import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers/cli.js";
import { configYaml, makeProject } from "../helpers/project.js";
import { json, selfTest, startServer, type TestServer } from "../helpers/server.js";

const GATE = `name: self-test
host: api
request:
  path: /healthz/self-test
expect:
  status: 200
  body:
    - path: $.checks[21:27]
      count: 6
      every: { ok: true }
`;

// The built chunk that holds the yaml package: the only one with its error messages.
function yamlChunks(): string[] {
  const dir = path.join(ROOT, "dist/chunks");
  return readdirSync(dir)
    .map((f) => path.join(dir, f))
    .filter((f) => readFileSync(f, "utf8").includes("Implicit keys need to be on a single line"));
}

/** Runs `shipgate check` on a project with the given gate file; the module URLs Node loaded. */
async function loadedModules(server: TestServer, gate: string): Promise<string[]> {
  const project = await makeProject({
    "shipgate.yaml": configYaml({ local: { api: server.url } }),
    "gates/self-test.yaml": gate,
  });
  const tmp = await mkdtemp(path.join(os.tmpdir(), "shipgate-loaded-"));
  const log = path.join(tmp, "loaded.txt");
  const hooks = pathToFileURL(path.join(ROOT, "test/yaml-subset/load-hooks.mjs")).href;
  const register = `import { register } from "node:module"; register(${JSON.stringify(hooks)});`;
  try {
    const result = await runCli(["check", "--env", "local"], {
      cwd: project.dir,
      env: {
        SHIPGATE_TEST_LOADED: log,
        NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(register)}`,
      },
    });
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    return (await readFile(log, "utf8")).trim().split("\n");
  } finally {
    await project.remove();
    await rm(tmp, { recursive: true, force: true });
  }
}

describe("when shipgate check reads gate files (built CLI)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => json(res, selfTest()));
  });
  afterAll(() => server.close());

  it("then files within the subset never load the yaml package", async () => {
    const chunks = yamlChunks().map((f) => pathToFileURL(f).href);
    expect(chunks.length).toBeGreaterThan(0);
    const loaded = await loadedModules(server, GATE);
    expect(loaded.some((url) => url.endsWith("/dist/cli/main.js"))).toBe(true);
    expect(loaded.filter((url) => chunks.includes(url))).toEqual([]);
  });

  it("then a file outside the subset loads it and still passes", async () => {
    const chunks = yamlChunks().map((f) => pathToFileURL(f).href);
    const loaded = await loadedModules(server, GATE.replace("host: api", "host: &h api"));
    expect(loaded.filter((url) => chunks.includes(url)).length).toBeGreaterThan(0);
  });
});
