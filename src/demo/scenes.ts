import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { exec } from "../util/exec.js";
import type { ApiState, DemoServer } from "./api-server.js";

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(PACKAGE_ROOT, "bin/shipgate.js");

/** One step of the story: a shipgate command and the verdict it must give. */
export interface Scene {
  title: string;
  story: string;
  args: string[];
  expectExit: number;
  /** Failure kinds that must appear in the JSON report. */
  expectKinds: string[];
  /** Changes the world before the command runs. */
  setup(world: World): Promise<void>;
  /** Extra proof after the command, such as the tag on the remote. */
  verify?(world: World): Promise<string | undefined>;
}

export interface World {
  repo: string;
  remote: string;
  api: DemoServer;
  frontend: DemoServer;
  state: ApiState;
  token: string;
  /** Rewrites shipgate.yaml with the API host given, commits and pushes it. */
  configure(apiHost: string): Promise<void>;
}

export interface SceneOutcome {
  scene: Scene;
  exitCode: number | null;
  kinds: string[];
  output: string;
  ok: boolean;
  why?: string;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Demo Release Engineer",
  GIT_AUTHOR_EMAIL: "release@demo.invalid",
  GIT_COMMITTER_NAME: "Demo Release Engineer",
  GIT_COMMITTER_EMAIL: "release@demo.invalid",
  GIT_TERMINAL_PROMPT: "0",
};

/** A throwaway repository with a local bare remote, the story's gates and `publish: none`. */
export async function makeWorld(
  api: DemoServer,
  frontend: DemoServer,
  state: ApiState,
  token: string,
): Promise<World & { dispose(): Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), "shipgate-demo-"));
  const repo = path.join(root, "app");
  const remote = path.join(root, "remote.git");
  await mkdir(repo);
  const git = async (args: string[], cwd = repo) => {
    const r = await exec("git", args, {
      cwd,
      env: { ...process.env, ...GIT_ENV },
      timeoutMs: 30_000,
    });
    if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  };
  await git(["init", "--bare", "-q", "-b", "main", remote], root);
  await git(["init", "-q", "-b", "main"]);
  await git(["remote", "add", "origin", remote]);
  await cp(path.join(PACKAGE_ROOT, "gates"), path.join(repo, "gates"), { recursive: true });
  await writeFile(
    path.join(repo, "package.json"),
    `${JSON.stringify({ name: "demo-app", version: "1.0.0", private: true }, null, 2)}\n`,
  );
  const world = {
    repo,
    remote,
    api,
    frontend,
    state,
    token,
    async configure(apiHost: string) {
      await writeFile(path.join(repo, "shipgate.yaml"), demoConfig(apiHost, frontend.url));
      await git(["add", "-A"]);
      const status = await git(["status", "--porcelain"]);
      if (status.trim())
        await git(["commit", "-q", "-m", `Point production's api host at ${apiHost}`]);
      await git(["push", "-q", "origin", "main"]);
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
  return world;
}

function demoConfig(apiHost: string, frontendHost: string): string {
  return `# The demo's shipgate.yaml: the runbook's production hosts.
environments:
  production:
    protected: true
    hosts:
      api: ${apiHost}
      web: ${frontendHost}
defaults:
  timeout: 2s
release:
  tag: "v{{version}}"
  remote: origin
  branch: main
  publish: none
  # Off in the demo only, so each refused release shows its gate's diagnosis;
  # a real production environment keeps it on.
  requireRehearsal: false
`;
}

/** The story, scene by scene. */
export function storyScenes(): Scene[] {
  return [
    {
      title: "Rehearse against production, read-only",
      story:
        "The runbook's gate has never been run. Its first real run is a rehearsal, and the runbook has the frontend's hostname.",
      args: ["rehearse", "1.0.0", "--env", "production"],
      expectExit: 1,
      expectKinds: ["html-response"],
      setup: async (w) => w.configure(w.frontend.url),
    },
    {
      title: "Bug 1: release with the frontend's hostname",
      story:
        "The self-test URL answers with the SvelteKit 404 page. `curl -f | jq -e` under sh passes on it; shipgate refuses.",
      args: ["release", "1.0.0", "--env", "production", "--yes"],
      expectExit: 1,
      expectKinds: ["html-response"],
      setup: async () => undefined,
      verify: noTag,
    },
    {
      title: "Bug 2: the self-test hangs",
      story:
        "With the host fixed, the self-test blocks inside a C client that ignores its timeout. shipgate gives up after 2s.",
      args: ["release", "1.0.0", "--env", "production", "--yes"],
      expectExit: 1,
      expectKinds: ["timeout"],
      setup: async (w) => {
        await w.configure(w.api.url);
        w.state.selfTestHangs = true;
      },
      verify: noTag,
    },
    {
      title: "Bug 3: every publish fails with a silent HTML 500",
      story:
        "Production logging was switched off with the backtraces. The round trip turns the silent 500 into a diagnosis, and its teardown removes the test queue.",
      args: ["release", "1.0.0", "--env", "production", "--yes"],
      expectExit: 1,
      expectKinds: ["status", "html-response"],
      setup: async (w) => {
        w.state.selfTestHangs = false;
        w.state.publishFails = true;
        w.state.deletions = 0;
      },
      verify: async (w) =>
        (await noTag(w)) ??
        (w.state.deletions === 1 && w.state.queues.size === 0
          ? undefined
          : `teardown left ${w.state.queues.size} test queue(s)`),
    },
    {
      title: "All three fixed: a green release",
      story:
        "Every gate is green, so shipgate tags v1.0.0 with the gate evidence and pushes exactly that tag.",
      args: ["release", "1.0.0", "--env", "production", "--yes"],
      expectExit: 0,
      expectKinds: [],
      setup: async (w) => {
        w.state.publishFails = false;
      },
      verify: async (w) => {
        const evidence = await tagEvidence(w);
        if (!evidence) return "v1.0.0 is not on the remote";
        if (!evidence.startsWith("object ")) return "v1.0.0 on the remote is not an annotated tag";
        return evidence.includes("docs-drift prongs") && evidence.includes("queue round trip")
          ? undefined
          : "the tag message lacks the gate evidence";
      },
    },
  ];
}

/** The remote's v1.0.0 tag object (header and message), or undefined when there is none. */
export async function tagEvidence(w: World): Promise<string | undefined> {
  const r = await exec("git", ["cat-file", "-p", "refs/tags/v1.0.0"], {
    cwd: w.remote,
    timeoutMs: 30_000,
  });
  return r.exitCode === 0 ? r.stdout : undefined;
}

async function noTag(w: World): Promise<string | undefined> {
  const local = await exec("git", ["tag", "--list", "v1.0.0"], { cwd: w.repo, timeoutMs: 30_000 });
  const remote = await exec("git", ["ls-remote", "--tags", w.remote], {
    cwd: w.repo,
    timeoutMs: 30_000,
  });
  if (local.stdout.trim() || remote.stdout.includes("v1.0.0"))
    return "a tag was created although the release was refused";
  return undefined;
}

/** Runs one scene through the public CLI, as a user would. */
export async function playScene(
  scene: Scene,
  world: World,
  reportFile: string,
): Promise<SceneOutcome> {
  await scene.setup(world);
  const args = [...scene.args, "--reporter", "human", "--reporter", `json=${reportFile}`];
  const { code, output } = await runShipgate(args, world);
  let kinds: string[] = [];
  try {
    const { readFile } = await import("node:fs/promises");
    const report = JSON.parse(await readFile(reportFile, "utf8")) as {
      gates: Array<{ failures: Array<{ kind: string }> }>;
    };
    kinds = [...new Set(report.gates.flatMap((g) => g.failures.map((f) => f.kind)))];
  } catch {
    kinds = [];
  }
  let why: string | undefined;
  if (code !== scene.expectExit) why = `exit ${code}, expected ${scene.expectExit}`;
  const missing = scene.expectKinds.filter((k) => !kinds.includes(k));
  if (!why && missing.length > 0) why = `no ${missing.join(", ")} failure in the report`;
  if (!why && output.includes(world.token)) why = "the secret token appeared in the output";
  if (!why && scene.verify) why = await scene.verify(world);
  return { scene, exitCode: code, kinds, output, ok: why === undefined, why };
}

function runShipgate(
  args: string[],
  world: World,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: world.repo,
      env: { ...process.env, ...GIT_ENV, SELFTEST_TOKEN: world.token, CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
