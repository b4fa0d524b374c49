import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { release } from "../../src/release/release.js";
import { Redactor } from "../../src/template/redact.js";
import { git } from "../helpers/git.js";
import { type Api, makeReleaseProject, startApi } from "./fixture.js";

let api: Api;

beforeAll(async () => {
  api = await startApi();
});

afterAll(async () => {
  await api?.server.close();
});

describe("release on a protected environment", { timeout: 120_000 }, () => {
  it("when a gate has no green rehearsal then exit 2 naming the gate and the rehearse command", async () => {
    const p = await makeReleaseProject(api, undefined, { protected: true });
    const r = await p.cli(["release", "1.0.0", "--env", "production"]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain("self-test prongs");
    expect(r.stdout).toContain("shipgate rehearse --env production");
    expect(await git(p.repo.remote, "tag", "--list")).toBe("");
    await p.repo.remove();
  });

  it("when the environment was rehearsed then the release goes through", async () => {
    const p = await makeReleaseProject(api, undefined, { protected: true });
    const rehearsal = await p.cli(["rehearse", "--env", "production"]);
    expect(rehearsal.code, rehearsal.stdout + rehearsal.stderr).toBe(0);
    const r = await p.cli(["release", "1.0.0", "--env", "production"]);
    expect(r.stdout).toContain("released");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await p.repo.remove();
  });

  it("when --skip-rehearsal is given then the release goes through and the tag says so", async () => {
    const p = await makeReleaseProject(api, undefined, { protected: true });
    const r = await p.cli(["release", "1.0.0", "--env", "production", "--skip-rehearsal"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await git(p.repo.remote, "cat-file", "-p", "refs/tags/v1.0.0")).toContain(
      "--skip-rehearsal",
    );
    await p.repo.remove();
  });
});

describe("the confirmation", { timeout: 120_000 }, () => {
  it("when the answer comes more than two minutes after the gates then they run again first", async () => {
    const p = await makeReleaseProject(api, undefined);
    let clock = 0;
    const before = api.server.requests.length;
    const outcome = await release({
      cwd: p.repo.dir,
      config: "shipgate.yaml",
      env: "production",
      version: "1.0.0",
      redactor: new Redactor(),
      processEnv: { ...process.env, ...p.env },
      now: () => clock,
      confirm: async () => {
        clock += 2 * 60_000 + 1;
        return true;
      },
    });
    expect(outcome.status).toBe("released");
    expect(api.server.requests.length - before).toBe(2);
    await p.repo.remove();
  });

  it("when the answer is no then nothing is changed", async () => {
    const p = await makeReleaseProject(api, undefined);
    const outcome = await release({
      cwd: p.repo.dir,
      config: "shipgate.yaml",
      env: "production",
      version: "1.0.0",
      redactor: new Redactor(),
      processEnv: { ...process.env, ...p.env },
      confirm: async () => false,
    });
    expect(outcome.status).toBe("declined");
    expect(await git(p.repo.dir, "tag", "--list")).toBe("");
    await p.repo.remove();
  });
});
