import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git, gitTry } from "../helpers/git.js";
import { type Api, makeReleaseProject, type ReleaseProject, startApi } from "./fixture.js";

let api: Api;
let keys: string;

beforeAll(async () => {
  api = await startApi();
  keys = await mkdtemp(path.join(os.tmpdir(), "shipgate-signing-"));
});

afterAll(async () => {
  await api?.server.close();
  // gpg starts an agent per GNUPGHOME; stop it with the folder.
  for (const home of ["gnupg-empty", "gnupg"])
    try {
      execFileSync("gpgconf", ["--kill", "gpg-agent"], {
        env: { ...process.env, GNUPGHOME: path.join(keys, home) },
        stdio: "ignore",
      });
    } catch {}
  await rm(keys, { recursive: true, force: true });
});

/** A throwaway SSH key pair (no passphrase, no agent); returns the public key's path. */
function sshKey(name: string): string {
  const key = path.join(keys, name);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key]);
  return `${key}.pub`;
}

async function signWith(p: ReleaseProject, settings: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries({ ...settings, "tag.gpgSign": "true" }))
    await git(p.repo.dir, "config", name, value);
}

const release = (p: ReleaseProject, env: NodeJS.ProcessEnv = {}) =>
  p.cli(["release", "1.0.0", "--env", "production"], { env });

/** Releases signing with gpg (the default format) from a fresh GNUPGHOME, prepared first. */
async function releaseWithGpg(p: ReleaseProject, name: string, prepare?: (home: string) => void) {
  const home = path.join(keys, name);
  await mkdir(home, { mode: 0o700 });
  prepare?.(home);
  await signWith(p, { "user.signingkey": "test@shipgate.invalid" });
  return release(p, { GNUPGHOME: home });
}

async function tagsAnywhere(p: ReleaseProject): Promise<string> {
  return `${await git(p.repo.dir, "tag", "--list")}${await git(p.repo.remote, "tag", "--list")}`;
}

describe("release with tag signing", { timeout: 120_000 }, () => {
  it("when git signs tags with an SSH key then the pushed tag carries a signature git verifies", async () => {
    const p = await makeReleaseProject(api, undefined);
    const pub = sshKey("good");
    await signWith(p, { "gpg.format": "ssh", "user.signingkey": pub });
    const r = await release(p);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`tag signing (ssh key ${pub})`);
    expect(await git(p.repo.remote, "cat-file", "-p", "refs/tags/v1.0.0")).toContain(
      "-----BEGIN SSH SIGNATURE-----",
    );
    const allowed = path.join(keys, "allowed_signers");
    await writeFile(allowed, `test@shipgate.invalid ${await readFile(pub, "utf8")}`);
    const verified = await gitTry(
      p.repo.dir,
      "-c",
      `gpg.ssh.allowedSignersFile=${allowed}`,
      "verify-tag",
      "v1.0.0",
    );
    expect(verified.code).toBe(0);
    await p.repo.remove();
  });

  it("when the SSH signing key does not exist then preflight refuses it, exit 2, and no tag is made", async () => {
    const p = await makeReleaseProject(api, undefined);
    await signWith(p, { "gpg.format": "ssh", "user.signingkey": path.join(keys, "missing.pub") });
    const r = await release(p);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/✗ tag signing: .*missing\.pub \(user\.signingkey\) does not exist/);
    expect(await tagsAnywhere(p)).toBe("");
    await p.repo.remove();
  });

  it("when only the public half of the SSH key is there then the unsigned tag is deleted, exit 3, nothing public", async () => {
    const p = await makeReleaseProject(api, undefined);
    const pub = sshKey("half");
    await rm(pub.replace(/\.pub$/, ""));
    await signWith(p, { "gpg.format": "ssh", "user.signingkey": pub });
    // git 2.39 prints ssh-keygen's error here and still makes an unsigned tag, exit 0.
    const r = await release(p);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toContain("holds no signature");
    expect(r.stdout).toContain("the local tag was deleted");
    expect(await tagsAnywhere(p)).toBe("");
    await p.repo.remove();
  });

  it("when git signs with gpg and gpg has no secret key then preflight refuses it, exit 2", async () => {
    const p = await makeReleaseProject(api, undefined);
    const r = await releaseWithGpg(p, "gnupg-empty");
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/✗ tag signing: .*gpg has no secret key for test@shipgate\.invalid/);
    expect(await tagsAnywhere(p)).toBe("");
    await p.repo.remove();
  });

  it("when git signs with a gpg key that is there then the pushed tag carries a PGP signature", async () => {
    const p = await makeReleaseProject(api, undefined);
    const home = path.join(keys, "gnupg");
    await mkdir(home, { mode: 0o700 });
    const gpgEnv = { ...process.env, GNUPGHOME: home };
    execFileSync(
      "gpg",
      ["--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key"].concat([
        "Shipgate Test <test@shipgate.invalid>",
        "ed25519",
        "sign",
        "never",
      ]),
      { env: gpgEnv, stdio: "ignore" },
    );
    await signWith(p, { "user.signingkey": "test@shipgate.invalid" });
    const r = await release(p, { GNUPGHOME: home });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("tag signing (gpg key test@shipgate.invalid)");
    expect(await git(p.repo.remote, "cat-file", "-p", "refs/tags/v1.0.0")).toContain(
      "-----BEGIN PGP SIGNATURE-----",
    );
    await p.repo.remove();
  });
});
