import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { loadGates } from "../../src/config/load-gates.js";
import { gateHash } from "../../src/rehearsal/hash.js";
import { withoutCredentials } from "../../src/rehearsal/record.js";
import { makeProject, type Project } from "../helpers/project.js";

const projects: Project[] = [];
afterAll(async () => {
  for (const p of projects) await p.remove();
});

const FLOW = `name: login then read
host: api
steps:
  - request: { method: POST, host: auth, path: /login }
    expect: { status: 200 }
  - request: { path: /me }
    expect: { status: 200 }
`;

async function hashOf(opts: { gate?: string; defaults?: string; api?: string; auth?: string }) {
  const project = await makeProject({
    "shipgate.yaml": `environments:\n  production:\n    hosts:\n      api: ${opts.api ?? "https://api.example.dev"}\n      auth: ${opts.auth ?? "https://auth.example.dev"}\n${opts.defaults ?? ""}`,
    "gates/flow.yaml": opts.gate ?? FLOW,
  });
  projects.push(project);
  const config = await loadConfig("shipgate.yaml", project.dir);
  const [gate] = await loadGates(config);
  return gateHash(gate!, config, config.environments.production);
}

describe("gateHash", () => {
  it("when only line endings differ then the hash is the same", async () => {
    expect(await hashOf({ gate: FLOW.replace(/\n/g, "\r\n") })).toBe(await hashOf({}));
  });

  it("when the gate text, a default or another step's host changes then the hash changes", async () => {
    const base = await hashOf({});
    expect(await hashOf({ gate: FLOW.replace("/me", "/me2") })).not.toBe(base);
    expect(await hashOf({ defaults: "defaults:\n  timeout: 3s\n" })).not.toBe(base);
    expect(await hashOf({ defaults: "defaults:\n  maxBodySize: 1MB\n" })).not.toBe(base);
    expect(await hashOf({ auth: "https://login.example.dev" })).not.toBe(base);
  });

  it("when only the gate's own host changes then the hash stays: that host is recorded beside it", async () => {
    expect(await hashOf({ api: "https://api2.example.dev" })).toBe(await hashOf({}));
  });

  it("when a URL carries credentials then what is recorded or echoed hides them", () => {
    expect(withoutCredentials("fatal: https://ci:ghp_secret@git.example.dev/a.git denied")).toBe(
      "fatal: https://***@git.example.dev/a.git denied",
    );
    expect(withoutCredentials("https://api.example.dev/x@y")).toBe("https://api.example.dev/x@y");
  });
});
