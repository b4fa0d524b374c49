import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./cli.js";

const run = promisify(execFile);

export interface TestRegistry {
  url: string;
  /** An npm user config holding the registry and a token; pass as NPM_CONFIG_USERCONFIG. */
  userconfig: string;
  /** The same registry without a token (npm whoami fails). */
  anonymousUserconfig: string;
  /** Environment for npm (and shipgate) pointing at this registry with a fresh cache. */
  env: NodeJS.ProcessEnv;
  startupMs: number;
  /** Publishes NAME@VERSION (an empty package) straight to the registry. */
  publish(name: string, version: string): Promise<void>;
  /** The versions the registry serves for a package. */
  versions(name: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Starts verdaccio 6.8.0 on 127.0.0.1 with a hermetic config (no uplinks) and a token. */
export async function startRegistry(): Promise<TestRegistry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "shipgate-registry-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const config = path.join(dir, "config.yaml");
  await writeFile(
    config,
    [
      `storage: ${path.join(dir, "storage")}`,
      "auth:",
      "  htpasswd:",
      `    file: ${path.join(dir, "htpasswd")}`,
      "    max_users: 100",
      "uplinks: {}",
      "packages:",
      "  '@*/*':",
      "    access: $all",
      "    publish: $authenticated",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      `listen: 127.0.0.1:${port}`,
      "publish:",
      "  allow_offline: true",
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules/verdaccio/bin/verdaccio"), "--config", config],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  await waitForPing(url, child, () => log);
  const startupMs = Math.round(performance.now() - started);

  const token = await addUser(url, "shipgate", "shipgate-test-password");
  const host = url.replace(/^http:/, "");
  const userconfig = path.join(dir, "npmrc");
  await writeFile(userconfig, `registry=${url}\n${host}:_authToken=${token}\n`);
  const anonymousUserconfig = path.join(dir, "npmrc-anonymous");
  await writeFile(anonymousUserconfig, `registry=${url}\n`);
  return {
    url,
    userconfig,
    anonymousUserconfig,
    startupMs,
    env: {
      NPM_CONFIG_USERCONFIG: userconfig,
      NPM_CONFIG_CACHE: path.join(dir, "cache"),
      NPM_CONFIG_AUDIT: "false",
      NPM_CONFIG_UPDATE_NOTIFIER: "false",
    },
    async publish(name, version) {
      const pkgDir = await mkdtemp(path.join(dir, "pkg-"));
      await writeFile(path.join(pkgDir, "package.json"), JSON.stringify({ name, version }));
      await run("npm", ["publish", "--access", "public"], {
        cwd: pkgDir,
        env: { ...process.env, ...this.env },
      });
    },
    async versions(name) {
      const res = await fetch(`${url}${name.replace("/", "%2f")}`);
      if (res.status === 404) return [];
      const doc = (await res.json()) as { versions?: Record<string, unknown> };
      return Object.keys(doc.versions ?? {});
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPing(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited ${child.exitCode}: ${log()}`);
    try {
      const res = await fetch(`${url}-/ping`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function addUser(url: string, name: string, password: string): Promise<string> {
  const res = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, password }),
  });
  const body = (await res.json()) as { token?: string };
  if (!body.token)
    throw new Error(`verdaccio gave no token (${res.status}): ${JSON.stringify(body)}`);
  return body.token;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
