import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
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
    expect(r.code, r.stdout + r.stderr).toBe(0);
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
      expect(r.code, r.stdout + r.stderr).toBe(1);
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

  it("when a gate sends a secret header then the secret is in no tag message, output or report", async () => {
    const p = await makeReleaseProject(api, undefined);
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
    expect(api.authHeaders).toContain(`Bearer ${SECRET}`);
    const message = await git(p.repo.remote, "cat-file", "-p", "refs/tags/v2.0.0");
    expect(message).toContain("self-test prongs");
    expect(message).not.toContain(SECRET);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    await p.repo.remove();
  });

  it("when --dry-run then no tag, branch or registry state changes apart from the rehearsal record", async () => {
    const p = await makeReleaseProject(api, registry);
    const before = await p.repo.refs();
    const r = await p.cli(["release", "1.0.0", "--env", "production", "--dry-run"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("irreversible steps (not run)");
    expect(r.stdout).toContain(`git tag -a v1.0.0 ${await p.repo.head()}`);
    expect(r.stdout).toContain("git push origin refs/tags/v1.0.0:refs/tags/v1.0.0");
    expect(r.stdout).toContain(`npm publish --tag latest --access public: ${p.name}@1.0.0`);
    expect(await p.repo.refs()).toEqual(before);
    expect(await registry.versions(p.name)).toEqual([]);
    await p.repo.remove();
  });

  it("when rehearse runs without VERSION then the version-specific checks are listed as skipped", async () => {
    const p = await makeReleaseProject(api, registry);
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

  it("when git is set to sign tags then the released tag carries a signature git verifies", async () => {
    const keys = await mkdtemp(path.join(os.tmpdir(), "shipgate-signing-"));
    const p = await makeReleaseProject(api, undefined);
    try {
      // SSH signing: a throwaway key, no agent or passphrase needed.
      const key = path.join(keys, "id_ed25519");
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "release", "-f", key]);
      const allowed = path.join(keys, "allowed_signers");
      const pub = await readFile(`${key}.pub`, "utf8");
      await writeFile(allowed, `test@shipgate.invalid ${pub}`);
      await git(p.repo.dir, "config", "gpg.format", "ssh");
      await git(p.repo.dir, "config", "user.signingkey", `${key}.pub`);
      await git(p.repo.dir, "config", "tag.gpgSign", "true");

      const r = await p.cli(["release", "1.0.0", "--env", "production"]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(await git(p.repo.remote, "cat-file", "-p", "refs/tags/v1.0.0")).toContain(
        "-----BEGIN SSH SIGNATURE-----",
      );
      const verified = await gitTry(
        p.repo.dir,
        "-c",
        `gpg.ssh.allowedSignersFile=${allowed}`,
        "verify-tag",
        "v1.0.0",
      );
      expect(verified.code).toBe(0);
    } finally {
      await p.repo.remove();
      await rm(keys, { recursive: true, force: true });
    }
  });

  it("when git is set to sign tags but cannot then the release stops, the local tag deleted, before anything is public", async () => {
    const p = await makeReleaseProject(api, undefined);
    try {
      await git(p.repo.dir, "config", "gpg.format", "ssh");
      await git(p.repo.dir, "config", "user.signingkey", "/nonexistent/shipgate-key.pub");
      await git(p.repo.dir, "config", "tag.gpgSign", "true");
      const r = await p.cli(["release", "1.0.0", "--env", "production"]);
      // git 2.39 exits 0 here and writes ssh-keygen's error where the signature belongs.
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(r.stdout + r.stderr).toContain("holds no signature");
      expect(r.stdout + r.stderr).toContain("the local tag was deleted");
      expect(await gitTry(p.repo.dir, "rev-parse", "--verify", "refs/tags/v1.0.0")).toMatchObject({
        code: 128,
      });
      expect(await git(p.repo.remote, "tag", "--list")).toBe("");
    } finally {
      await p.repo.remove();
    }
  });

  it("when release gets --shard then exit 2", async () => {
    const p = await makeReleaseProject(api, undefined);
    const r = await p.cli(["release", "1.0.0", "--env", "production", "--shard", "1/2"]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    await p.repo.remove();
  });
});
