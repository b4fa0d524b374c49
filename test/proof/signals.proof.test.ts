/**
 * SIGINT and SIGTERM at every release step boundary. Each point is reached
 * deterministically: a `git` or `npm` shim first on PATH stops at the chosen
 * command and waits on a FIFO (or the API parks the gate's request), the test
 * sends the signal, then lets the command go on. Afterwards the repository,
 * the bare remote and the registry must be in the state the report gives,
 * and a rerun of the same release must complete or refuse cleanly.
 */
import { execFileSync } from "node:child_process";
import { constants } from "node:fs";
import { constants as osConstants } from "node:os";
import { chmod, mkdir, open, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CliResult } from "../helpers/cli.js";
import { git, gitTry } from "../helpers/git.js";
import { makeReleaseProject, type ReleaseProject, useReleaseServers } from "../release/fixture.js";

const servers = useReleaseServers();

type Point = "preflight" | "gates" | "after-tag" | "publish" | "push";

/** Which command each point stops at, and whether before or after running it. */
const STOPS: Record<
  Exclude<Point, "gates">,
  { tool: "git" | "npm"; match: string; when: "before" | "after" }
> = {
  // The push-permission check is one of the last preflight commands.
  preflight: { tool: "git", match: "^push --porcelain --dry-run ", when: "before" },
  "after-tag": { tool: "git", match: "^tag (-a|-s) ", when: "after" },
  publish: { tool: "npm", match: "^publish\\b", when: "before" },
  push: { tool: "git", match: "^push --porcelain (?!--dry-run)", when: "before" },
};

function which(tool: string): string {
  return execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
}

interface Shim {
  bin: string;
  ready: string;
  go: string;
}

/** `git` and `npm` first on PATH; the one named by SHIM_TOOL stops once at SHIM_MATCH. */
async function installShims(dir: string): Promise<Shim> {
  const bin = path.join(dir, "shim-bin");
  await mkdir(bin, { recursive: true });
  const ready = path.join(dir, "ready.fifo");
  const go = path.join(dir, "go.fifo");
  execFileSync("mkfifo", [ready, go]);
  for (const tool of ["git", "npm"]) {
    const script = `#!${process.execPath}
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const args = process.argv.slice(2);
const marker = ${JSON.stringify(path.join(dir, "stopped-once"))};
const stop =
  process.env.SHIM_TOOL === ${JSON.stringify(tool)} &&
  new RegExp(process.env.SHIM_MATCH).test(args.join(" ")) &&
  !fs.existsSync(marker);
const wait = () => {
  fs.writeFileSync(marker, "");
  // Opening a FIFO blocks until the other end opens: no polling, no sleeps.
  fs.writeFileSync(${JSON.stringify(ready)}, args.join(" "));
  fs.readFileSync(${JSON.stringify(go)});
};
if (stop && process.env.SHIM_WHEN === "before") wait();
const r = spawnSync(${JSON.stringify(which(tool))}, args, { stdio: "inherit" });
if (stop && process.env.SHIM_WHEN === "after") wait();
process.exit(r.status ?? 1);
`;
    const file = path.join(bin, tool);
    await writeFile(file, script);
    await chmod(file, 0o755);
  }
  return { bin, ready, go };
}

/**
 * Resolves once `signal` is no longer pending for `pid` (read from
 * /proc/PID/status), that is once shipgate's handler has been entered. Yields
 * to the event loop between reads; no timers.
 */
async function delivered(pid: number, signal: "SIGINT" | "SIGTERM"): Promise<void> {
  const bit = 1n << BigInt(osConstants.signals[signal] - 1);
  for (let i = 0; i < 100_000; i++) {
    let status: string;
    try {
      status = await readFile(`/proc/${pid}/status`, "utf8");
    } catch {
      return; // gone already
    }
    const pending = [...status.matchAll(/^(?:SigPnd|ShdPnd):\s*([0-9a-f]+)$/gm)].map((m) =>
      BigInt(`0x${m[1]}`),
    );
    if (pending.every((mask) => (mask & bit) === 0n)) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Unblocks a reader stuck on a FIFO nobody will write (the point was never reached). */
async function unblock(fifo: string): Promise<void> {
  try {
    const fh = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    await fh.close();
  } catch {
    // No reader left.
  }
}

interface StepRecord {
  step: string;
  status: string;
  detail: string;
}

function reportSteps(r: CliResult): StepRecord[] {
  const report = JSON.parse(r.stdout) as {
    sections?: Array<{ title: string; data?: unknown }>;
  };
  const steps = report.sections?.find((s) => s.title === "release steps")?.data;
  return (steps as StepRecord[] | undefined) ?? [];
}

const TAG = "v1.0.0";
const hasRef = async (repo: string, ref: string) =>
  (await gitTry(repo, "rev-parse", "-q", "--verify", ref)).code === 0;

interface State {
  localTag: boolean;
  remoteTag: boolean;
  published: boolean;
}

async function state(p: ReleaseProject): Promise<State> {
  return {
    localTag: await hasRef(p.repo.dir, `refs/tags/${TAG}`),
    remoteTag: await hasRef(p.repo.remote, `refs/tags/${TAG}`),
    published: (await servers.registry.versions(p.name)).includes("1.0.0"),
  };
}

/** Runs a release, stops it at `point`, sends `signal` there, then lets it go on. */
async function interruptAt(
  p: ReleaseProject,
  point: Point,
  signal: "SIGINT" | "SIGTERM",
  twice = false,
): Promise<CliResult> {
  const args = ["release", "1.0.0", "--env", "production", "--reporter", "json"];
  if (point === "gates") {
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => {
      servers.api.onHeld = resolve;
    });
    servers.api.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      return await p.cli(args, {
        onSpawn: (child) => {
          // The request stays parked until the child exits: shipgate must abort it itself,
          // so the signal is surely handled while the gates run.
          void arrived.then(() => child.kill(signal));
        },
      });
    } finally {
      servers.api.hold = undefined;
      servers.api.onHeld = undefined;
      release();
    }
  }
  const stop = STOPS[point];
  const shim = await installShims(p.repo.root);
  const env = {
    PATH: `${shim.bin}${path.delimiter}${process.env.PATH}`,
    SHIM_TOOL: stop.tool,
    SHIM_MATCH: stop.match,
    SHIM_WHEN: stop.when,
  };
  let exited = false;
  const result = p.cli(args, {
    env,
    onSpawn: (child) => {
      child.on("exit", () => {
        exited = true;
        void unblock(shim.ready);
      });
      // shipgate says so when it keeps going after a second signal: that line is the cue.
      const insisted = new Promise<void>((resolve) => {
        let err = "";
        child.stderr?.on("data", (d: Buffer) => {
          err += d.toString();
          if (/interrupt once more/.test(err)) resolve();
        });
        child.on("exit", () => resolve());
      });
      void readFile(shim.ready, "utf8").then(async (command) => {
        if (exited || !command) return;
        child.kill(signal);
        // Let the command go on only once the kernel has handed the signal over.
        await delivered(child.pid!, signal);
        if (twice) {
          child.kill(signal);
          await insisted;
        }
        await writeFile(shim.go, "");
      });
    },
  });
  return result;
}

const POINTS: Point[] = ["preflight", "gates", "after-tag", "publish", "push"];
/** Where, which signal (as the title shows it), the point to stop at, and whether twice. */
const CASES: Array<readonly [string, string, Point, boolean]> = [
  ...POINTS.flatMap((point) =>
    (["SIGINT", "SIGTERM"] as const).map((signal) => [point, signal, point, false] as const),
  ),
  // Ctrl-C twice during publish: npm still finishes and its outcome is still reported.
  ["publish", "SIGINT twice", "publish", true],
];

describe("when a release is interrupted at a step boundary", { timeout: 240_000 }, () => {
  it.each(CASES)(
    "then at %s after %s the state is what the report says, and a rerun completes or refuses cleanly",
    async (label, signalLabel, point, twice) => {
      const signal = signalLabel.startsWith("SIGTERM") ? "SIGTERM" : "SIGINT";
      const p = await makeReleaseProject(servers.api, servers.registry);
      try {
        const head = await p.repo.head();
        const r = await interruptAt(p, point, signal, twice);
        const out = `exit ${r.code}\n${r.stdout}\n${r.stderr}`;
        expect(r.stderr, out).not.toMatch(/internal error/);

        // The exit code is the signal's, unless a step failed (3) after something irreversible.
        const code = signal === "SIGINT" ? 130 : 143;
        expect([code, 3], out).toContain(r.code);

        // The report's steps and the world agree.
        const steps = reportSteps(r);
        const status = (name: string) => steps.find((s) => s.step === name)?.status;
        const after = await state(p);
        expect(after.localTag, out).toBe(status("tag") === "done");
        expect(after.published, out).toBe(status("publish") === "done");
        expect(after.remoteTag, out).toBe(status("push") === "done");
        // Before the tag nothing at all may change, not even for a moment.
        if (point === "preflight" || point === "gates") {
          expect(after, out).toEqual({ localTag: false, remoteTag: false, published: false });
          expect(
            steps.map((s) => s.status),
            out,
          ).toEqual(steps.map(() => "not run"));
          expect(r.code, out).toBe(code);
        }
        // After the tag and before publish, an interrupt stops short of anything public.
        if (point === "after-tag")
          expect(after, out).toMatchObject({ published: false, remoteTag: false });
        // npm publish, once started, is allowed to finish, and nothing is pushed after it.
        if (point === "publish")
          expect(after, out).toMatchObject({ published: true, remoteTag: false });
        // A publish is never rolled back, and nothing public happens without it.
        if (after.remoteTag) expect(after.published, out).toBe(true);
        if (after.localTag)
          expect(await git(p.repo.dir, "rev-parse", `refs/tags/${TAG}^{commit}`)).toBe(head);

        // The rerun: same command, no shim, no signal.
        const again = await p.cli([
          "release",
          "1.0.0",
          "--env",
          "production",
          "--reporter",
          "json",
        ]);
        const againOut = `exit ${again.code}\n${again.stdout}\n${again.stderr}`;
        expect([0, 2], againOut).toContain(again.code);
        expect(again.stderr, againOut).not.toMatch(/internal error/);
        const final = await state(p);
        if (again.code === 0) {
          expect(final, againOut).toEqual({ localTag: true, remoteTag: true, published: true });
          expect(await git(p.repo.remote, "rev-parse", `refs/tags/${TAG}^{commit}`)).toBe(head);
        } else {
          expect(final, againOut).toEqual(after);
        }
        console.log(
          `${label} ${signalLabel}: exit ${r.code}, steps ${steps.map((s) => `${s.step}=${s.status}`).join(" ")}, state ${JSON.stringify(after)}; rerun exit ${again.code}`,
        );
      } finally {
        await p.repo.remove();
      }
    },
  );
});
