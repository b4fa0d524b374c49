import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { urlCredentials } from "../../src/release/git.js";
import { Npm, readPackage } from "../../src/release/npm.js";
import { acquireLock } from "../../src/release/lock.js";
import { decide, type Observed } from "../../src/release/state.js";
import { distTag, parseVersion } from "../../src/release/version.js";
import { Redactor } from "../../src/template/redact.js";
import { tagMessage } from "../../src/release/evidence.js";

const HEAD = "a".repeat(40);
const OTHER = "b".repeat(40);
const at = (o: Partial<Observed>): Observed => ({
  head: HEAD,
  remoteTag: null,
  onRegistry: "n/a",
  ...o,
});
const npm = { tag: "v1.0.0", remote: "origin", publish: true };

describe("the resume table", () => {
  it("when nothing exists then a normal release", () => {
    expect(decide(at({}), npm)).toEqual({ kind: "release", resuming: false });
  });
  it("when the tag is local at HEAD and nothing is public then preflight, gates, publish, push", () => {
    expect(decide(at({ localTag: HEAD, onRegistry: "no" }), npm)).toEqual({
      kind: "release",
      resuming: true,
    });
  });
  it("when the tag is local at HEAD and the version published then push and verify, no gates", () => {
    expect(decide(at({ localTag: HEAD, onRegistry: "yes" }), npm)).toEqual({ kind: "push" });
  });
  it("when everything is done then verify only", () => {
    expect(decide(at({ localTag: HEAD, onRegistry: "yes", remoteTag: HEAD }), npm)).toEqual({
      kind: "verify",
    });
  });
  it("when the local tag is at another commit then refuse", () => {
    expect(decide(at({ localTag: OTHER }), npm).kind).toBe("refuse");
  });
  it("when the tag is only on the remote then refuse", () => {
    expect(decide(at({ remoteTag: OTHER }), npm).kind).toBe("refuse");
    expect(decide(at({ remoteTag: HEAD, onRegistry: "yes" }), npm).kind).toBe("refuse");
  });
  it("when the registry cannot be asked about a tagged release then refuse", () => {
    expect(decide(at({ localTag: HEAD, onRegistry: "unknown" }), npm).kind).toBe("refuse");
  });
  it("when publishing is off then the registry plays no part", () => {
    const none = { ...npm, publish: false };
    expect(decide(at({ localTag: HEAD }), none)).toEqual({ kind: "release", resuming: true });
    expect(decide(at({ localTag: HEAD, remoteTag: HEAD }), none)).toEqual({ kind: "verify" });
  });
});

describe("versions and dist-tags", () => {
  it("when VERSION has a leading v then it is normalised", () => {
    expect(parseVersion("v1.2.3").version).toBe("1.2.3");
  });
  it("when VERSION is not semver then it is bad input", () => {
    for (const bad of ["1.2", "01.2.3", "1.2.3-", "latest", ""])
      expect(() => parseVersion(bad)).toThrow();
  });
  it("when a prerelease has a word id then that is its dist-tag; a numeric id has none", () => {
    expect(distTag(parseVersion("2.0.0-rc.1"), undefined)).toBe("rc");
    expect(distTag(parseVersion("2.0.0-0"), undefined)).toBeUndefined();
    expect(distTag(parseVersion("2.0.0"), undefined)).toBe("latest");
    expect(distTag(parseVersion("2.0.0-0"), "next")).toBe("next");
  });
});

describe("the lock", () => {
  it("when a lock is held by a live process then a second is refused with exit 2", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "shipgate-lock-"));
    const lock = await acquireLock(dir);
    await expect(acquireLock(dir)).rejects.toMatchObject({ code: "lock-held", exitCode: 2 });
    await lock.release();
    await (await acquireLock(dir)).release();
  });
  it("when the lock's process is gone then the stale lock is taken over", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "shipgate-lock-"));
    // A pid far above any pid_max in use here: no such process.
    const stale = { pid: 2 ** 22 + 12345, host: os.hostname(), at: "2020-01-01T00:00:00Z" };
    await writeFile(path.join(dir, "shipgate-release.lock"), JSON.stringify(stale));
    const lock = await acquireLock(dir);
    await lock.release();
  });
});

describe("secrets", () => {
  it("when a remote URL carries credentials then they are found for the redactor", () => {
    expect(urlCredentials("https://x-access-token:ghs_abc123@github.com/o/r.git")).toContain(
      "ghs_abc123",
    );
    expect(urlCredentials("https://ghp_token42@github.com/o/r.git")).toContain("ghp_token42");
    expect(urlCredentials("git@github.com:o/r.git")).toEqual([]);
  });
  it("when a registered secret is in the evidence then the tag message masks it", () => {
    const redactor = new Redactor();
    redactor.add("hunter2-secret");
    const message = tagMessage(
      {
        tag: "v1.0.0",
        version: "1.0.0",
        environment: {
          name: "production",
          protected: true,
          hosts: { api: "https://hunter2-secret@api.example.dev" },
        },
        run: {
          ok: true,
          environment: "production",
          gates: [],
          durationMs: 1,
          startedAt: "2026-01-01T00:00:00Z",
        },
        commit: HEAD,
        shipgateVersion: "0.1.0",
        skipRehearsal: true,
      },
      redactor,
    );
    expect(message).not.toContain("hunter2-secret");
    expect(message).toContain("--skip-rehearsal");
  });
});

describe("the registry npm would publish to", () => {
  const setup = async (npmrc: string, pkg: Record<string, unknown>) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "shipgate-npm-"));
    await writeFile(path.join(dir, "npmrc"), npmrc);
    await writeFile(path.join(dir, "package.json"), JSON.stringify(pkg));
    const npm = new Npm(dir, { ...process.env, NPM_CONFIG_USERCONFIG: path.join(dir, "npmrc") });
    return npm.publishRegistry((await readPackage(dir))!);
  };
  const npmrc = "registry=http://127.0.0.1:9/default/\n@acme:registry=http://127.0.0.1:9/acme\n";

  it("when the package is scoped then the scope's registry wins over the default", async () => {
    expect(await setup(npmrc, { name: "@acme/tool" })).toBe("http://127.0.0.1:9/acme/");
    expect(await setup(npmrc, { name: "plain-tool" })).toBe("http://127.0.0.1:9/default/");
  });

  it("when package.json has publishConfig.registry then it wins over everything", async () => {
    const pkg = { name: "@acme/tool", publishConfig: { registry: "http://127.0.0.1:9/pc/" } };
    expect(await setup(npmrc, pkg)).toBe("http://127.0.0.1:9/pc/");
  });
});
