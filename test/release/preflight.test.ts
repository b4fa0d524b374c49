import path from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitTry } from "../helpers/git.js";
import { makeReleaseProject, useReleaseServers } from "./fixture.js";

const servers = useReleaseServers();

const problems = (stdout: string) =>
  stdout
    .split("\n")
    .filter((l) => l.trim().startsWith("✗"))
    .map((l) => l.trim());

describe("release preflight", { timeout: 120_000 }, () => {
  it("when the tree is dirty, the branch wrong, HEAD behind, the tag taken, the version published and package.json differs then exit 2 listing every problem and nothing changes", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    // Another clone moves main on and takes the tag.
    const other = path.join(p.repo.root, "other");
    await git(p.repo.root, "clone", "-q", p.repo.remote, other);
    await git(other, "commit", "-q", "--allow-empty", "-m", "moved on");
    await git(other, "tag", "v1.0.1");
    await git(other, "push", "-q", "origin", "main", "refs/tags/v1.0.1");
    await servers.registry.publish(p.name, "1.0.1");
    await git(p.repo.dir, "switch", "-q", "-c", "feature");
    await p.repo.write("notes.txt", "untracked\n");
    const before = await p.repo.refs();
    const requestsBefore = servers.api.server.requests.length;

    const r = await p.cli(["release", "v1.0.1", "--env", "production"]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const listed = problems(r.stdout).join("\n");
    expect(listed).toContain("working tree is clean");
    expect(listed).toContain("on the release branch");
    expect(listed).toContain("HEAD is the remote branch");
    expect(listed).toMatch(/behind/);
    expect(listed).toContain("tag is free on the remote");
    expect(listed).toContain("VERSION is not on the registry yet");
    expect(listed).toContain("package.json version is VERSION");
    expect(r.stdout).toContain("release refused");
    expect(servers.api.server.requests.length).toBe(requestsBefore);
    expect(await p.repo.refs()).toEqual(before);
    expect(await servers.registry.versions(p.name)).toEqual(["1.0.1"]);
    await p.repo.remove();
  });

  it("when the tag exists locally at another commit then exit 2 and the tag is left alone", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    const first = await p.repo.head();
    await git(p.repo.dir, "tag", "-a", "-m", "old", "v1.0.0");
    await p.repo.write("more.txt", "more\n");
    await p.repo.commit("more");
    const r = await p.cli(["release", "1.0.0", "--env", "production"]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain("not at HEAD");
    expect(problems(r.stdout).join("\n")).toContain("tag is free locally");
    expect(await git(p.repo.dir, "rev-parse", "v1.0.0^{commit}")).toBe(first);
    expect(
      (await gitTry(p.repo.remote, "rev-parse", "-q", "--verify", "refs/tags/v1.0.0")).code,
    ).not.toBe(0);
    await p.repo.remove();
  });

  it("when HEAD is ahead of the remote branch then exit 2: the tag must point at a pushed commit", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    await p.repo.write("local.txt", "not pushed\n");
    await p.repo.commit("local only", { push: false });
    const r = await p.cli(["release", "1.0.0", "--env", "production"]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(problems(r.stdout).join("\n")).toMatch(/ahead/);
    await p.repo.remove();
  });

  it("when a prerelease has no dist-tag then exit 2 and nothing is published", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry, { version: "2.0.0-0" });
    const r = await p.cli(["release", "2.0.0-0", "--env", "production"]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(problems(r.stdout).join("\n")).toContain("the dist-tag fits the version");
    expect(await servers.registry.versions(p.name)).toEqual([]);
    await p.repo.remove();
  });

  it("when a prerelease would go out as latest then exit 2", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry, {
      version: "2.0.0-beta.1",
      release: "release:\n  publish: npm\n  npm:\n    tag: latest\n",
    });
    const r = await p.cli(["release", "2.0.0-beta.1", "--env", "production"]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(problems(r.stdout).join("\n")).toMatch(/would be published as latest/);
    await p.repo.remove();
  });

  it("when npm has no token then exit 2 naming npm login", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    const r = await p.cli(["release", "1.0.0", "--env", "production"], {
      env: { NPM_CONFIG_USERCONFIG: servers.registry.anonymousUserconfig },
    });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain("npm is logged in");
    expect(r.stdout).toContain("npm login");
    await p.repo.remove();
  });

  it("when VERSION is not semver then exit 2 before anything runs", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    const r = await p.cli(["release", "1.0", "--env", "production"]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain("not a semantic version");
    await p.repo.remove();
  });
});
