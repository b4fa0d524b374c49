import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, loadProject, planProject } from "../../src/core/check.js";
import {
  missingRehearsals,
  pushRehearsalRecord,
  readRecords,
  rehearsalEntries,
} from "../../src/rehearsal/record.js";
import { json, selfTest, startServer, type TestServer } from "../helpers/server.js";

const run = promisify(execFile);
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.invalid",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.invalid",
  GIT_TERMINAL_PROMPT: "0",
  GIT_CONFIG_NOSYSTEM: "1",
};

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd, env: GIT_ENV });
  return stdout.trim();
}

const GATE = `name: docs-drift prongs
host: api
request:
  path: /healthz/self-test
expect:
  status: 200
  schema: ../schemas/self-test.json
  body:
    - path: $.checks[21:27]
      count: 6
      every: { ok: true }
`;
const SCHEMA = `{ "type": "object", "required": ["checks"] }\n`;

function configFor(api: string, staging: string): string {
  return `environments:
  production:
    protected: true
    hosts:
      api: ${api}
  staging:
    hosts:
      api: ${staging}
`;
}

let root: string;
let green: TestServer;
let red: TestServer;
let remote: string;

/** A fresh clone of the shared bare remote. */
async function clone(name: string): Promise<string> {
  const dir = path.join(root, name);
  await git(root, "clone", "--quiet", remote, dir);
  return dir;
}

/** Runs the gates in `dir` for real and pushes what they gave as a rehearsal record. */
async function rehearse(dir: string, env: string) {
  const { loaded, plan, run: result } = await check({ cwd: dir, env, config: "shipgate.yaml" });
  const entries = await rehearsalEntries(plan, result, loaded.config);
  const pushed = await pushRehearsalRecord({ cwd: dir, remote: "origin", entries, env: GIT_ENV });
  return { entries, pushed, result };
}

async function missingIn(dir: string, env = "production") {
  const loaded = await loadProject({ cwd: dir, env, config: "shipgate.yaml" });
  const plan = await planProject(loaded, { cwd: dir });
  return missingRehearsals({
    cwd: dir,
    remote: "origin",
    config: loaded.config,
    plan,
    env: GIT_ENV,
  });
}

beforeAll(async () => {
  green = await startServer((_req, res) => json(res, selfTest()));
  red = await startServer((_req, res) => json(res, selfTest({ 23: { ok: false } })));
  root = await mkdtemp(path.join(os.tmpdir(), "shipgate-record-"));
  remote = path.join(root, "remote.git");
  await git(root, "init", "--quiet", "--bare", "-b", "main", remote);
  const seed = path.join(root, "seed");
  await git(root, "init", "--quiet", "-b", "main", seed);
  await mkdir(path.join(seed, "gates"));
  await mkdir(path.join(seed, "schemas"));
  await writeFile(path.join(seed, "shipgate.yaml"), configFor(green.url, red.url));
  await writeFile(path.join(seed, "gates/self-test.yaml"), GATE);
  await writeFile(path.join(seed, "schemas/self-test.json"), SCHEMA);
  await git(seed, "add", ".");
  await git(seed, "commit", "--quiet", "-m", "gates");
  await git(seed, "remote", "add", "origin", remote);
  await git(seed, "push", "--quiet", "origin", "main");
});

afterAll(async () => {
  await green?.close();
  await red?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the rehearsal record", () => {
  it("when CI rehearses in one clone then a release in another clone of the remote finds it", async () => {
    const ci = await clone("ci");
    const laptop = await clone("laptop");
    expect(await missingIn(laptop)).toMatchObject([
      { gate: "docs-drift prongs", reason: expect.stringContaining("never rehearsed") },
    ]);

    const { pushed, entries } = await rehearse(ci, "production");
    expect(pushed.ok).toBe(true);
    expect(entries).toMatchObject([
      { gate: "docs-drift prongs", environment: "production", host: green.url, ok: true },
    ]);
    expect(entries[0]!.hash).toMatch(/^[0-9a-f]{64}$/);

    expect(await missingIn(laptop)).toEqual([]);
    // Refs outside heads and tags: a plain clone does not bring them, a fetch of the prefix does.
    expect(await git(laptop, "for-each-ref", "refs/shipgate/rehearsals/production/")).toMatch(
      /refs\/shipgate\/rehearsals\/production\/\d{8}T\d{6}Z-[0-9a-f]{8}/,
    );

    // A release fetches its environment's folder only: other records never count for it.
    expect((await rehearse(ci, "staging")).pushed.ok).toBe(true);
    expect(await missingIn(laptop)).toEqual([]);
    expect(await git(laptop, "for-each-ref", "refs/shipgate/rehearsals/staging/")).toBe("");
  });

  it("when the gate file, a schema it references or the host changes then the rehearsal no longer counts", async () => {
    const laptop = await clone("changes");
    await rehearse(laptop, "production");
    expect(await missingIn(laptop)).toEqual([]);

    const gateFile = path.join(laptop, "gates/self-test.yaml");
    await writeFile(gateFile, GATE.replace("count: 6", "count: 5"));
    expect(await missingIn(laptop)).toMatchObject([
      { gate: "docs-drift prongs", reason: expect.stringContaining("the gate changed") },
    ]);
    await writeFile(gateFile, GATE);

    const schemaFile = path.join(laptop, "schemas/self-test.json");
    await writeFile(schemaFile, `{ "type": "object" }\n`);
    expect(await missingIn(laptop)).toMatchObject([
      { reason: expect.stringContaining("the gate changed") },
    ]);
    await writeFile(schemaFile, SCHEMA);

    const config = path.join(laptop, "shipgate.yaml");
    await writeFile(config, configFor(red.url, red.url));
    expect(await missingIn(laptop)).toMatchObject([
      { reason: expect.stringContaining(`the host changed: rehearsed against ${green.url}`) },
    ]);
    await writeFile(config, configFor(green.url, red.url));

    // Line endings alone change nothing.
    await writeFile(gateFile, GATE.replace(/\n/g, "\r\n"));
    expect(await missingIn(laptop)).toEqual([]);
  });

  it("when the rehearsal was red or against another environment then it does not count", async () => {
    const dir = await clone("red");
    // Staging points at the server whose check 23 fails.
    const { result, pushed } = await rehearse(dir, "staging");
    expect(result.ok).toBe(false);
    expect(pushed.ok).toBe(true);
    const staging = await missingIn(dir, "staging");
    expect(staging).toMatchObject([{ reason: expect.stringContaining("was red") }]);

    // A green staging rehearsal of a gate says nothing about production.
    const other = await clone("other-environment");
    await writeFile(path.join(other, "shipgate.yaml"), configFor(green.url, green.url));
    await writeFile(
      path.join(other, "gates/self-test.yaml"),
      GATE.replace("docs-drift prongs", "staging only"),
    );
    expect((await rehearse(other, "staging")).result.ok).toBe(true);
    expect(await missingIn(other, "staging")).toEqual([]);
    expect(await missingIn(other, "production")).toMatchObject([
      {
        gate: "staging only",
        reason: expect.stringContaining("never rehearsed against production"),
      },
    ]);
  });

  it("when rehearsals push at once from two clones then none is rejected and all are seen", async () => {
    const a = await clone("concurrent-a");
    const b = await clone("concurrent-b");
    const { entries } = await rehearse(a, "production");
    const pushes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        pushRehearsalRecord({
          cwd: i % 2 === 0 ? a : b,
          remote: "origin",
          entries: entries.map((e) => ({ ...e, at: `2026-01-01T00:00:0${i}.000Z` })),
          env: GIT_ENV,
        }),
      ),
    );
    expect(pushes.map((p) => p.ok)).toEqual(Array(8).fill(true));

    const reader = await clone("concurrent-reader");
    await missingIn(reader);
    const seen = new Set((await readRecords(reader, GIT_ENV)).map((e) => e.at));
    for (let i = 0; i < 8; i++) expect(seen.has(`2026-01-01T00:00:0${i}.000Z`)).toBe(true);
  });

  it("when the remote cannot be reached then pushing says so and names the ref to push", async () => {
    const dir = await clone("offline");
    const { entries } = await rehearse(dir, "production");
    const pushed = await pushRehearsalRecord({
      cwd: dir,
      remote: path.join(root, "no-such-remote.git"),
      entries,
      env: GIT_ENV,
    });
    expect(pushed.ok).toBe(false);
    expect(pushed.message).toMatch(/recorded locally as refs\/shipgate\/rehearsals\/production\//);
  });
});
