import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { GIT_ENV, git } from "../helpers/git.js";
import { json, selfTest, startServer, type TestServer } from "../helpers/server.js";

// The built CLI, as CI and a laptop run it: `npm run build` first.
let api: TestServer;
let root: string;
let remote: string;

const GATE = `name: docs-drift prongs
host: api
request: { path: /healthz/self-test }
expect:
  status: 200
  contentType: application/json
  body:
    - path: $.checks[21:27]
      count: 6
      every: { ok: true }
`;

beforeAll(async () => {
  api = await startServer((_req, res) => json(res, selfTest()));
  root = await mkdtemp(path.join(os.tmpdir(), "shipgate-clones-"));
  remote = path.join(root, "remote.git");
  await git(root, "init", "--quiet", "--bare", "-b", "main", remote);
  const seed = path.join(root, "seed");
  await git(root, "init", "--quiet", "-b", "main", seed);
  await mkdir(path.join(seed, "gates"));
  await writeFile(
    path.join(seed, "shipgate.yaml"),
    `environments:\n  production:\n    protected: true\n    hosts:\n      api: ${api.url}\nrelease:\n  publish: none\n`,
  );
  await writeFile(path.join(seed, "gates/self-test.yaml"), GATE);
  await writeFile(
    path.join(seed, "package.json"),
    `${JSON.stringify({ name: "clones-demo", version: "1.0.0", private: true })}\n`,
  );
  await git(seed, "add", ".");
  await git(seed, "commit", "--quiet", "-m", "gates");
  await git(seed, "remote", "add", "origin", remote);
  await git(seed, "push", "--quiet", "origin", "main");
});

afterAll(async () => {
  await api?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function clone(name: string): Promise<string> {
  const dir = path.join(root, name);
  await git(root, "clone", "--quiet", remote, dir);
  return dir;
}

const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: GIT_ENV });

describe("a rehearsal travels through the remote", { timeout: 120_000 }, () => {
  it("when CI rehearsed in its clone then a laptop's clone releases; before that it refuses", async () => {
    const ci = await clone("ci");
    const laptop = await clone("laptop");

    const refused = await cli(["release", "1.0.0", "--env", "production"], laptop);
    expect(refused.code).toBe(2);
    expect(`${refused.stdout}${refused.stderr}`).toContain("docs-drift prongs");
    expect(await git(remote, "tag", "--list")).toBe("");

    const rehearsal = await cli(["rehearse", "--env", "production"], ci);
    expect(rehearsal.code).toBe(0);
    expect(await git(remote, "for-each-ref", "refs/shipgate/rehearsals/")).toContain(
      "refs/shipgate/rehearsals/production/",
    );

    const released = await cli(["release", "1.0.0", "--env", "production"], laptop);
    expect(released.code).toBe(0);
    expect(await git(remote, "tag", "--list")).toBe("v1.0.0");
  });
});
