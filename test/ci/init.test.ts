import { existsSync } from "node:fs";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers/cli.js";
import { makeProject, type Project } from "../helpers/project.js";
import { json, startServer, type TestServer } from "../helpers/server.js";

const SCHEMA_COMMENT = /^# yaml-language-server: \$schema=(\S+)$/m;

describe("shipgate init", () => {
  let project: Project | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await project?.remove();
    server = undefined;
    project = undefined;
  });

  it("when the folder is empty then it writes a config and a gate whose schema comments resolve in an installed package", async () => {
    project = await makeProject();
    const result = await runCli(["init"], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("wrote shipgate.yaml");
    expect(result.stdout).toContain("wrote gates/health.yaml");

    // Where the package would be installed, the comments point at its schemas.
    await mkdir(path.join(project.dir, "node_modules"));
    await symlink(ROOT, path.join(project.dir, "node_modules/shipgate"));
    for (const file of ["shipgate.yaml", "gates/health.yaml"]) {
      const text = await readFile(path.join(project.dir, file), "utf8");
      const target = SCHEMA_COMMENT.exec(text)?.[1];
      expect(target, file).toMatch(/^(\.\.\/)?node_modules\/shipgate\/schema\/\w+\.json$/);
      expect(existsSync(path.resolve(project.dir, path.dirname(file), target!)), target).toBe(true);
    }
  });

  it("when its files are pointed at a loopback API then they load, validate and run green", async () => {
    server = await startServer((req, res) =>
      req.url === "/healthz" ? json(res, { status: "ok" }) : json(res, {}, 404),
    );
    project = await makeProject();
    expect((await runCli(["init"], { cwd: project.dir })).code).toBe(0);
    const config = path.join(project.dir, "shipgate.yaml");
    const text = await readFile(config, "utf8");
    await writeFile(config, text.replace("https://api.staging.example.com", server.url));

    const check = await runCli(["check", "--env", "staging"], { cwd: project.dir });
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
    expect(check.stdout).toContain("✓ health");
    expect(server.requests).toContain("GET /healthz");
  });

  it("when its files are linted then lint finds no problem", async () => {
    project = await makeProject();
    expect((await runCli(["init"], { cwd: project.dir })).code).toBe(0);
    const lint = await runCli(["lint"], { cwd: project.dir });
    // A problem would start with its file:line:column.
    expect(lint.stdout + lint.stderr).not.toMatch(/(shipgate|health)\.yaml:\d+/);
    expect(lint.code).toBe(0);
  });

  it("when the starter gate is red then check says so (the gate can fail)", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<html><body>Not Found</body></html>");
    });
    project = await makeProject();
    expect((await runCli(["init"], { cwd: project.dir })).code).toBe(0);
    const config = path.join(project.dir, "shipgate.yaml");
    const text = await readFile(config, "utf8");
    await writeFile(config, text.replace("https://api.staging.example.com", server.url));
    const check = await runCli(["check", "--env", "staging"], { cwd: project.dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("✗ health");
  });

  for (const existing of ["shipgate.yaml", "gates/health.yaml"]) {
    it(`when ${existing} exists then init refuses with exit 2, names it and writes nothing`, async () => {
      project = await makeProject({ [existing]: "# mine\n" });
      const result = await runCli(["init"], { cwd: project.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(existing);
      expect(await readFile(path.join(project.dir, existing), "utf8")).toBe("# mine\n");
      const other = existing === "shipgate.yaml" ? "gates/health.yaml" : "shipgate.yaml";
      expect(existsSync(path.join(project.dir, other))).toBe(false);
    });
  }
});
