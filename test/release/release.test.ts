import { beforeAll, describe, expect, it } from "vitest";
import { git, gitTry } from "../helpers/git.js";
import { makeReleaseProject, SECRET, useReleaseServers } from "./fixture.js";

const servers = useReleaseServers();

beforeAll(() => {
  console.log(`verdaccio answered /-/ping after ${servers.registry.startupMs} ms`);
});

describe("shipgate release", { timeout: 120_000 }, () => {
  it("when every gate is green then the annotated tag with the evidence is on the remote and the package on the registry", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    const head = await p.repo.head();
    const r = await p.cli(["release", "1.0.0", "--env", "production"]);
    expect(r.stderr + r.stdout).toContain("released");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await git(p.repo.remote, "cat-file", "-t", "refs/tags/v1.0.0")).toBe("tag");
    expect(await git(p.repo.remote, "rev-parse", "refs/tags/v1.0.0^{commit}")).toBe(head);
    const message = await git(p.repo.remote, "cat-file", "-p", "refs/tags/v1.0.0");
    expect(message).toContain("environment: production");
    expect(message).toContain(servers.api.server.url);
    expect(message).toContain("self-test prongs");
    expect(message).toContain(head);
    expect(message).not.toContain(SECRET);
    expect(await servers.registry.versions(p.name)).toEqual(["1.0.0"]);
    await p.repo.remove();
  });

  it("when a gate is red then exit 1 and there is no tag anywhere and nothing is published", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    servers.api.red = true;
    try {
      const r = await p.cli(["release", "1.0.0", "--env", "production"]);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toContain("release refused");
    } finally {
      servers.api.red = false;
    }
    expect(
      (await gitTry(p.repo.dir, "rev-parse", "-q", "--verify", "refs/tags/v1.0.0")).code,
    ).not.toBe(0);
    expect(
      (await gitTry(p.repo.remote, "rev-parse", "-q", "--verify", "refs/tags/v1.0.0")).code,
    ).not.toBe(0);
    expect(await servers.registry.versions(p.name)).toEqual([]);
    await p.repo.remove();
  });

  it("when a gate sends a secret header then the secret is in no tag message, output or report", async () => {
    const p = await makeReleaseProject(servers.api, undefined);
    const r = await p.cli([
      "release",
      "2.0.0",
      "--env",
      "production",
      "--verbose",
      "--reporter",
      "human",
      "--reporter",
      "json",
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(servers.api.authHeaders).toContain(`Bearer ${SECRET}`);
    const message = await git(p.repo.remote, "cat-file", "-p", "refs/tags/v2.0.0");
    expect(message).toContain("self-test prongs");
    expect(message).not.toContain(SECRET);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    await p.repo.remove();
  });

  it("when --dry-run then no tag, branch or registry state changes apart from the rehearsal record", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    const before = await p.repo.refs();
    const r = await p.cli(["release", "1.0.0", "--env", "production", "--dry-run"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("irreversible steps (not run)");
    expect(r.stdout).toContain(`git tag -a v1.0.0 ${await p.repo.head()}`);
    expect(r.stdout).toContain("git push origin refs/tags/v1.0.0:refs/tags/v1.0.0");
    expect(r.stdout).toContain(`npm publish --tag latest --access public: ${p.name}@1.0.0`);
    expect(await p.repo.refs()).toEqual(before);
    expect(await servers.registry.versions(p.name)).toEqual([]);
    await p.repo.remove();
  });

  it("when rehearse runs without VERSION then the version-specific checks are listed as skipped", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    const r = await p.cli(["rehearse", "--env", "production", "--reporter", "json"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      sections: Array<{
        title: string;
        data: Array<{ title: string; status: string; message?: string }>;
      }>;
    };
    expect(report.ok).toBe(true);
    const preflight = report.sections.find((s) => s.title === "preflight")!.data;
    const skipped = preflight.filter((c) => c.message === "needs VERSION").map((c) => c.title);
    expect(skipped).toEqual(
      expect.arrayContaining([
        "tag is free locally",
        "tag is free on the remote",
        "package.json version is VERSION",
      ]),
    );
    await p.repo.remove();
  });

  it("when release gets --shard then exit 2", async () => {
    const p = await makeReleaseProject(servers.api, undefined);
    const r = await p.cli(["release", "1.0.0", "--env", "production", "--shard", "1/2"]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    await p.repo.remove();
  });
});
