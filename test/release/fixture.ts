import type http from "node:http";
import { afterAll, beforeAll } from "vitest";
import { type CliResult, runCli } from "../helpers/cli.js";
import { GIT_ENV, makeRepo, type TempRepo } from "../helpers/git.js";
import { startRegistry, type TestRegistry } from "../helpers/registry.js";
import { json, selfTest, startServer, type TestServer } from "../helpers/server.js";

export const SECRET = "s3cret-Token-4f9a";

/** The API the gates check: green by default; `red` flips a prong; `hold` parks requests. */
export interface Api {
  server: TestServer;
  red: boolean;
  /** While set, requests wait for it; `onHeld` fires when one arrives. */
  hold?: Promise<void>;
  onHeld?: () => void;
  authHeaders: string[];
}

export async function startApi(): Promise<Api> {
  const api: Api = { red: false, authHeaders: [] } as unknown as Api;
  api.server = await startServer(async (req: http.IncomingMessage, res) => {
    api.authHeaders.push(String(req.headers.authorization));
    if (api.hold) {
      api.onHeld?.();
      await api.hold;
    }
    json(res, selfTest(api.red ? { 23: { ok: false } } : {}));
  });
  return api;
}

/** A local registry and the API, started before the calling file's tests and stopped after. */
export function useReleaseServers(): { registry: TestRegistry; api: Api } {
  const servers = {} as { registry: TestRegistry; api: Api };
  beforeAll(async () => {
    servers.registry = await startRegistry();
    servers.api = await startApi();
  });
  afterAll(async () => {
    await servers.api?.server.close();
    await servers.registry?.stop();
  });
  return servers;
}

let counter = 0;

export interface ReleaseProject {
  repo: TempRepo;
  name: string;
  env: NodeJS.ProcessEnv;
  cli(args: string[], opts?: Partial<Parameters<typeof runCli>[1]>): Promise<CliResult>;
}

/** A committed, pushed project whose gate checks the API and which publishes to the registry. */
export async function makeReleaseProject(
  api: Api,
  registry: TestRegistry | undefined,
  opts: { version?: string; release?: string; protected?: boolean } = {},
): Promise<ReleaseProject> {
  const name = `sg-test-${process.pid}-${++counter}`;
  const release =
    opts.release ??
    (registry
      ? "release:\n  publish: npm\n  npm:\n    access: public\n"
      : "release:\n  publish: none\n");
  const repo = await makeRepo({
    "shipgate.yaml": [
      "environments:",
      "  production:",
      ...(opts.protected ? ["    protected: true"] : []),
      "    hosts:",
      `      api: ${api.server.url}`,
      release,
    ].join("\n"),
    "gates/self-test.yaml": [
      "name: self-test prongs",
      "host: api",
      "request:",
      "  path: /healthz/self-test",
      "  headers:",
      '    Authorization: "Bearer {{env.SELFTEST_TOKEN}}"',
      "expect:",
      "  status: 200",
      "  contentType: application/json",
      "  body:",
      "    - path: $.checks[21:27]",
      "      count: 6",
      "      every: { ok: true }",
      "",
    ].join("\n"),
    "package.json": `${JSON.stringify({ name, version: opts.version ?? "1.0.0", license: "MIT" }, null, 2)}\n`,
  });
  // The committer identity comes from the environment and no global git config is read.
  const env = { ...GIT_ENV, SELFTEST_TOKEN: SECRET, ...(registry?.env ?? {}) };
  return {
    repo,
    name,
    env,
    cli: (args, more = {}) =>
      runCli(args, { cwd: repo.dir, timeoutMs: 120_000, ...more, env: { ...env, ...more.env } }),
  };
}
