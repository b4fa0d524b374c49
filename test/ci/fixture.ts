import { execFileSync } from "node:child_process";
import { afterAll, beforeAll } from "vitest";
import { configYaml, makeProject, type Project } from "../helpers/project.js";
import { json, selfTest, startServer, type TestServer } from "../helpers/server.js";

/** A loopback API for CI tests: /ok is green, /html is an HTML 500, /slow never answers. */
export async function ciServer(): Promise<TestServer> {
  return startServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/self-test") return json(res, selfTest({ 23: { ok: false } }));
    if (url.pathname === "/html") {
      res.writeHead(500, { "content-type": "text/html", "x-request-id": "req-42" });
      res.end("<html><body><h1>Internal Server Error</h1> & <b>no detail</b></body></html>");
      return;
    }
    if (url.pathname === "/slow") return; // never answers
    json(res, { status: "ok", n: Number(url.searchParams.get("n") ?? 0) });
  });
}

export interface CiProject {
  server: TestServer;
  project: Project;
}

/**
 * A ciServer and a project whose one environment, `local`, points its `api`
 * host at it, made before the tests of the calling block and removed after.
 * `files` gets the server's URL; `shipgate.yaml` may be overridden there.
 */
export function useCiProject(
  files: (url: string) => Record<string, string>,
  prepare?: (ci: CiProject) => Promise<void>,
): CiProject {
  const ci = {} as CiProject;
  beforeAll(async () => {
    ci.server = await ciServer();
    ci.project = await makeProject({
      "shipgate.yaml": configYaml({ local: { api: ci.server.url } }),
      ...files(ci.server.url),
    });
    await prepare?.(ci);
  });
  afterAll(async () => {
    await ci.server?.close();
    await ci.project?.remove();
  });
  return ci;
}

/**
 * A multi-gate file: line numbers are fixed here so tests can name them.
 * Gate "prongs" fails its `every` assertion (line 17, column 7).
 */
export const MULTI_GATE = `name: green one
host: api
request:
  path: /ok
expect:
  status: 200
---
name: prongs
host: api
request:
  path: /self-test
expect:
  status: 200
  body:
    - path: $.checks[21:27]
      count: 6
    - path: $.checks[21:27]
      every: { ok: true }
---
name: html <page> & "quotes"
host: api
request:
  path: /html
expect:
  status: 200
`;

/** Line and column of the failing `every` assertion of "prongs" in MULTI_GATE. */
export const PRONGS_EVERY = { line: 17, column: 7 };

/** `count` green gates named g01, g02, … in one file, all against /ok. */
export function manyGates(count: number): string {
  return Array.from(
    { length: count },
    (_, i) =>
      `name: g${String(i + 1).padStart(2, "0")}\nhost: api\nrequest:\n  path: /ok\n  query: { n: "${i}" }\nexpect:\n  status: 200\n`,
  ).join("---\n");
}

/** True when a command is on PATH. */
export function has(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Any ANSI escape sequence (colour, cursor movement, erase). */
export const ESCAPE = /\x1b\[/;
