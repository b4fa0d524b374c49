import { chmod, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git, gitTry } from "../helpers/git.js";
import { type Api, makeReleaseProject, startApi } from "./fixture.js";

let api: Api;

beforeAll(async () => {
  api = await startApi();
});

afterAll(async () => {
  await api?.server.close();
});

const hasTag = async (repo: string, tag: string) =>
  (await gitTry(repo, "rev-parse", "-q", "--verify", `refs/tags/${tag}`)).code === 0;

describe("running the same release again", { timeout: 120_000 }, () => {
  it("when the tag is local at HEAD and not pushed (publish: none) then preflight and gates run again, then the push", async () => {
    const p = await makeReleaseProject(api, undefined);
    const marker = path.join(p.repo.root, "reject-tags");
    const hook = path.join(p.repo.remote, "hooks", "pre-receive");
    await writeFile(hook, `#!/bin/sh\nif [ -e '${marker}' ]; then exit 1; fi\n`);
    await chmod(hook, 0o755);
    await writeFile(marker, "");
    const first = await p.cli(["release", "3.1.0", "--env", "production"]);
    expect(first.code, first.stdout + first.stderr).toBe(3);
    expect(await hasTag(p.repo.dir, "v3.1.0")).toBe(true);
    expect(await hasTag(p.repo.remote, "v3.1.0")).toBe(false);

    await rm(marker);
    const requests = api.server.requests.length;
    const again = await p.cli(["release", "3.1.0", "--env", "production"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(api.server.requests.length).toBeGreaterThan(requests);
    expect(await git(p.repo.remote, "rev-parse", "refs/tags/v3.1.0^{commit}")).toBe(
      await p.repo.head(),
    );
    await p.repo.remove();
  });

  it("when the tag exists only on the remote then exit 2 and nothing changes", async () => {
    const p = await makeReleaseProject(api, undefined);
    await git(p.repo.dir, "tag", "-a", "-m", "made elsewhere", "v3.2.0");
    await git(p.repo.dir, "push", "-q", "origin", "refs/tags/v3.2.0");
    await git(p.repo.dir, "tag", "-d", "v3.2.0");
    const before = await p.repo.refs();
    const r = await p.cli(["release", "3.2.0", "--env", "production"]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain("exists on origin");
    expect(await p.repo.refs()).toEqual(before);
    await p.repo.remove();
  });

  it("when the release is complete then a rerun verifies and exits 0 without running gates", async () => {
    const p = await makeReleaseProject(api, undefined);
    const first = await p.cli(["release", "3.3.0", "--env", "production"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const requests = api.server.requests.length;
    const again = await p.cli(["release", "3.3.0", "--env", "production", "--reporter", "json"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { verdict: string }).verdict).toBe("already released");
    expect(api.server.requests.length).toBe(requests);
    await p.repo.remove();
  });
});
