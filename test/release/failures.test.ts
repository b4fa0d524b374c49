import { existsSync } from "node:fs";
import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitTry } from "../helpers/git.js";
import { makeReleaseProject, useReleaseServers } from "./fixture.js";
import { installPublishGate } from "./npm-shim.js";

const servers = useReleaseServers();

const hasTag = async (repo: string, tag: string) =>
  (await gitTry(repo, "rev-parse", "-q", "--verify", `refs/tags/${tag}`)).code === 0;

/** Resolves when `check` holds, polling an observable state (a file, a line of output). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Parks the API's requests until the returned function is called. */
function holdApi(): { arrived: Promise<void>; release: () => void } {
  let release!: () => void;
  let arrived!: () => void;
  const arrivedP = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  servers.api.hold = new Promise<void>((resolve) => {
    release = () => {
      servers.api.hold = undefined;
      servers.api.onHeld = undefined;
      resolve();
    };
  });
  servers.api.onHeld = arrived;
  return { arrived: arrivedP, release };
}

describe("release when a step fails", { timeout: 180_000 }, () => {
  it("when npm publish fails and nothing landed then the local tag is deleted and exit 3", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    await p.repo.write(
      "package.json",
      `${JSON.stringify({ name: p.name, version: "1.0.0", scripts: { prepublishOnly: 'node -e "process.exit(7)"' } })}\n`,
    );
    await p.repo.commit("a publish that fails");
    const r = await p.cli(["release", "1.0.0", "--env", "production"]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toMatch(/undone\s+tag/);
    expect(r.stdout).toMatch(/failed\s+publish/);
    expect(await hasTag(p.repo.dir, "v1.0.0")).toBe(false);
    expect(await hasTag(p.repo.remote, "v1.0.0")).toBe(false);
    expect(await servers.registry.versions(p.name)).toEqual([]);
    await p.repo.remove();
  });

  it("when the push fails after the publish then exit 3 naming the command, and running it again completes the release", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    const marker = path.join(p.repo.root, "reject-tags");
    const hook = path.join(p.repo.remote, "hooks", "pre-receive");
    await writeFile(
      hook,
      `#!/bin/sh\nif [ -e '${marker}' ]; then echo 'tags are closed today' >&2; exit 1; fi\n`,
    );
    await chmod(hook, 0o755);
    await writeFile(marker, "");

    const first = await p.cli(["release", "1.0.0", "--env", "production"]);
    expect(first.code, first.stdout + first.stderr).toBe(3);
    expect(first.stdout).toMatch(/done\s+publish/);
    expect(first.stdout).toMatch(/failed\s+push/);
    expect(first.stdout).toContain("to finish");
    expect(first.stdout).toContain("shipgate release 1.0.0 --env production");
    expect(await hasTag(p.repo.dir, "v1.0.0")).toBe(true);
    expect(await hasTag(p.repo.remote, "v1.0.0")).toBe(false);
    expect(await servers.registry.versions(p.name)).toEqual(["1.0.0"]);

    await chmod(marker, 0o644);
    await import("node:fs/promises").then((fs) => fs.rm(marker));
    const requests = servers.api.server.requests.length;
    const second = await p.cli(["release", "1.0.0", "--env", "production"]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    // Published already: nothing left for the gates to protect.
    expect(servers.api.server.requests.length).toBe(requests);
    expect(await git(p.repo.remote, "rev-parse", "refs/tags/v1.0.0^{commit}")).toBe(
      await p.repo.head(),
    );

    const third = await p.cli(["release", "1.0.0", "--env", "production"]);
    expect(third.code, third.stdout + third.stderr).toBe(0);
    expect(third.stdout).toContain("already released");
    await p.repo.remove();
  });
});

describe("release when interrupted", { timeout: 120_000 }, () => {
  it("when SIGINT arrives during the gates then exit 130 with nothing changed", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    const held = holdApi();
    try {
      const r = await p.cli(["release", "1.0.0", "--env", "production"], {
        onSpawn: (child) => {
          void held.arrived.then(() => child.kill("SIGINT"));
        },
      });
      expect(r.code, r.stdout + r.stderr).toBe(130);
    } finally {
      held.release();
    }
    expect(await hasTag(p.repo.dir, "v1.0.0")).toBe(false);
    expect(await hasTag(p.repo.remote, "v1.0.0")).toBe(false);
    expect(await servers.registry.versions(p.name)).toEqual([]);
    await p.repo.remove();
  });

  it("when SIGTERM arrives during npm publish then npm finishes, its outcome is recorded, exit 143, and a rerun finishes", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    const shim = await installPublishGate(p.repo.root);
    const pathEnv = { PATH: `${shim.bin}${path.delimiter}${process.env.PATH}` };
    let stderr = "";
    const r = await p.cli(["release", "1.0.0", "--env", "production"], {
      env: pathEnv,
      onSpawn: (child) => {
        child.stderr?.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        void until(() => existsSync(shim.started)).then(async () => {
          child.kill("SIGTERM");
          await until(() => stderr.includes("letting npm publish finish"));
          await writeFile(shim.go, "");
        });
      },
    });
    expect(r.code, r.stdout + r.stderr).toBe(143);
    expect(r.stdout).toMatch(/done\s+publish/);
    expect(r.stdout).toMatch(/not run\s+push/);
    expect(await servers.registry.versions(p.name)).toEqual(["1.0.0"]);
    expect(await hasTag(p.repo.dir, "v1.0.0")).toBe(true);
    expect(await hasTag(p.repo.remote, "v1.0.0")).toBe(false);

    const again = await p.cli(["release", "1.0.0", "--env", "production"], { env: pathEnv });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(await hasTag(p.repo.remote, "v1.0.0")).toBe(true);
    await p.repo.remove();
  });

  it("when SIGINT arrives during npm publish and the publish fails then the tag is undone and exit 130", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    await p.repo.write(
      "package.json",
      `${JSON.stringify({ name: p.name, version: "1.0.0", scripts: { prepublishOnly: 'node -e "process.exit(7)"' } })}\n`,
    );
    await p.repo.commit("a publish that fails");
    const shim = await installPublishGate(p.repo.root);
    let stderr = "";
    const r = await p.cli(["release", "1.0.0", "--env", "production"], {
      env: { PATH: `${shim.bin}${path.delimiter}${process.env.PATH}` },
      onSpawn: (child) => {
        child.stderr?.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        void until(() => existsSync(shim.started)).then(async () => {
          child.kill("SIGINT");
          await until(() => stderr.includes("letting npm publish finish"));
          await writeFile(shim.go, "");
        });
      },
    });
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(r.stdout).toMatch(/undone\s+tag/);
    expect(await hasTag(p.repo.dir, "v1.0.0")).toBe(false);
    expect(await servers.registry.versions(p.name)).toEqual([]);
    await p.repo.remove();
  });
});

describe("release lock", { timeout: 120_000 }, () => {
  it("when two releases of one repository run at once then the second is refused with exit 2", async () => {
    const p = await makeReleaseProject(servers.api, servers.registry);
    const held = holdApi();
    const first = p.cli(["release", "1.0.0", "--env", "production"]);
    await held.arrived;
    const second = await p.cli(["release", "1.0.0", "--env", "production"]);
    held.release();
    expect(second.code, second.stdout + second.stderr).toBe(2);
    expect(second.stderr).toContain("another release of this repository is running");
    expect((await first).code).toBe(0);
    await p.repo.remove();
  });
});
