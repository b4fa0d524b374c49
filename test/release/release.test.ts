import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git, gitTry } from "../helpers/git.js";
import { startRegistry, type TestRegistry } from "../helpers/registry.js";
import { type Api, makeReleaseProject, SECRET, startApi } from "./fixture.js";

let registry: TestRegistry;
let api: Api;

beforeAll(async () => {
  registry = await startRegistry();
  api = await startApi();
  console.log(`verdaccio answered /-/ping after ${registry.startupMs} ms`);
});

afterAll(async () => {
  await api?.server.close();
  await registry?.stop();
});

describe("shipgate release", { timeout: 120_000 }, () => {
  it("when every gate is green then the annotated tag with the evidence is on the remote and the package on the registry", async () => {
    const p = await makeReleaseProject(api, registry);
    const head = await p.repo.head();
    const r = await p.cli(["release", "1.0.0", "--env", "production"]);
    expect(r.stderr + r.stdout).toContain("released");
    expect(r.code).toBe(0);
    expect(await git(p.repo.remote, "cat-file", "-t", "refs/tags/v1.0.0")).toBe("tag");
    expect(await git(p.repo.remote, "rev-parse", "refs/tags/v1.0.0^{commit}")).toBe(head);
    const message = await git(p.repo.remote, "cat-file", "-p", "refs/tags/v1.0.0");
    expect(message).toContain("environment: production");
    expect(message).toContain(api.server.url);
    expect(message).toContain("self-test prongs");
    expect(message).toContain(head);
    expect(message).not.toContain(SECRET);
    expect(await registry.versions(p.name)).toEqual(["1.0.0"]);
    await p.repo.remove();
  });

  it("when a gate is red then exit 1 and there is no tag anywhere and nothing is published", async () => {
    const p = await makeReleaseProject(api, registry);
    api.red = true;
    try {
      const r = await p.cli(["release", "1.0.0", "--env", "production"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("release refused");
    } finally {
      api.red = false;
    }
    expect(
      (await gitTry(p.repo.dir, "rev-parse", "-q", "--verify", "refs/tags/v1.0.0")).code,
    ).not.toBe(0);
    expect(
      (await gitTry(p.repo.remote, "rev-parse", "-q", "--verify", "refs/tags/v1.0.0")).code,
    ).not.toBe(0);
    expect(await registry.versions(p.name)).toEqual([]);
    await p.repo.remove();
  });
});
