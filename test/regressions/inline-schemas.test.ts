import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/core/check.js";
import { configYaml, makeProject, type Project } from "../helpers/project.js";
import { json, startServer, type TestServer } from "../helpers/server.js";

// Found while reading the schema lookup for the fuzz tests: every inline
// schema had the label "inline schema", validators were keyed by label, so a
// later step was judged with the first step's schema.
let server: TestServer;
let project: Project | undefined;
beforeAll(async () => {
  server = await startServer((_req, res) => json(res, { name: "queue" }));
});
afterAll(() => server.close());
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

const flow = `name: two schemas
host: api
steps:
  - request: { path: /a }
    expect:
      schema: { type: object }
  - request: { path: /b }
    expect:
      schema: { type: object, required: [id] }
`;

describe("when two steps of a gate have different inline schemas", () => {
  it("then each step is judged with its own schema", async () => {
    project = await makeProject({
      "shipgate.yaml": configYaml({ local: { api: server.url } }),
      "gates/flow.yaml": flow,
    });
    const { run } = await check({ cwd: project.dir });
    expect(run.ok).toBe(false);
    const [gate] = run.gates;
    expect(gate!.steps.map((s) => s.failures.map((f) => f.kind))).toEqual([[], ["schema"]]);
    expect(gate!.failures[0]!.message).toContain("id");
  });
});
