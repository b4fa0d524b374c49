import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { configYaml, makeProject, type Project } from "./helpers/project.js";
import { startServer, type TestServer } from "./helpers/server.js";

/** Has characters whose percent-encoded and JSON-escaped forms differ from the raw one. */
const SECRET = 'Zq9tok/7f3a"e1+b2c4d8&xkQ%41';

/** Every form a leak could take, and every 10-character piece of each (a truncated leak). */
function leakForms(): string[] {
  const forms = [
    SECRET,
    encodeURIComponent(SECRET),
    new URLSearchParams({ s: SECRET }).toString().slice(2),
    JSON.stringify(SECRET).slice(1, -1),
    JSON.stringify(JSON.stringify(SECRET)).slice(3, -3),
    SECRET.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"),
  ];
  const pieces = new Set<string>();
  for (const f of forms) for (let i = 0; i + 10 <= f.length; i++) pieces.add(f.slice(i, i + 10));
  return [...pieces];
}

function expectNoSecret(where: string, text: string): void {
  const found = leakForms().filter((piece) => text.includes(piece));
  expect(found, `${where} leaks the secret`).toEqual([]);
}

/** Text with the header echoed at many offsets, so one copy straddles any excerpt cut. */
function echoText(auth: string): string {
  return Array.from({ length: 40 }, (_, i) => `${"w".repeat(i % 7)} ${auth}`).join(" ");
}

let server: TestServer;
let project: Project;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const auth = String(req.headers.authorization ?? "");
    const route = new URL(req.url ?? "/", "http://x").pathname;
    if (route === "/html") {
      res.writeHead(500, { "content-type": "text/html", "x-request-id": auth });
      res.end(`<html><head><title>${auth}</title></head><body>${echoText(auth)}</body></html>`);
    } else if (route === "/json") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ auth, checks: [{ name: auth, ok: false, token: auth }] }));
    } else if (route === "/broken") {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(`{"auth": ${auth} ${echoText(auth)}`);
    } else {
      res.writeHead(404, { "content-type": "text/plain", "x-echo": auth });
      res.end(echoText(auth));
    }
  });
  const gate = (name: string, p: string, extra: string[] = []) =>
    [
      `name: ${name}`,
      "host: api",
      "request:",
      `  path: ${p}`,
      "  query: { key: '{{env.SELFTEST_TOKEN}}' }",
      "  headers:",
      '    Authorization: "Bearer {{env.SELFTEST_TOKEN}}"',
      "expect:",
      "  status: 200",
      "  body:",
      "    - path: $.checks[*]",
      "      every: { ok: true }",
      "    - path: $.auth",
      '      equals: "something else entirely, long enough to be cut when shown"',
      ...extra,
    ].join("\n");
  project = await makeProject({
    "shipgate.yaml": configYaml({ local: { api: server.url } }),
    "gates/html.yaml": gate("echo in html", "/html"),
    "gates/json.yaml": gate("echo in json", "/json", ["    - path: $.auth", "      matches: ^x"]),
    "gates/broken.yaml": gate("echo in broken json", "/broken"),
    "gates/text.yaml": gate("echo in text", "/text"),
  });
});

afterAll(async () => {
  await project?.remove();
  await server?.close();
});

describe("when a server echoes a secret back, then no output carries it", () => {
  it.each([
    ["human", ["--reporter", "human"]],
    ["human --verbose", ["--reporter", "human", "--verbose"]],
    ["json", ["--reporter", "json"]],
  ])("%s on stdout and stderr", async (_title, flags) => {
    const res = await runCli(["check", ...flags], {
      cwd: project.dir,
      env: { SELFTEST_TOKEN: SECRET },
    });
    expect(res.code).toBe(1);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(res.stdout).toContain("***");
    expectNoSecret("stdout", res.stdout);
    expectNoSecret("stderr", res.stderr);
  });

  it("in --reporter json=FILE", async () => {
    const res = await runCli(["check", "--reporter", "json=out/report.json"], {
      cwd: project.dir,
      env: { SELFTEST_TOKEN: SECRET },
    });
    expect(res.code).toBe(1);
    const file = await readFile(path.join(project.dir, "out/report.json"), "utf8");
    const report = JSON.parse(file) as { gates: Array<{ failures: unknown[] }> };
    expect(report.gates).toHaveLength(4);
    expect(file).toContain("***");
    expectNoSecret("report file", file);
    expectNoSecret("stdout", res.stdout);
    expectNoSecret("stderr", res.stderr);
  });
});
