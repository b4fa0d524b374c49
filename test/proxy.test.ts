import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { configYaml, makeProject, type Project } from "./helpers/project.js";
import { json, selfTest, startServer, type TestServer } from "./helpers/server.js";

/** A forward proxy on loopback that tunnels CONNECT and plain requests, and counts them. */
async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? "");
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  server.on("connect", (req, client: net.Socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? "").split(":");
    const upstream = net.connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => s.destroy());
    }
  });
  server.on("connection", (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

let api: TestServer;
let project: Project;

beforeAll(async () => {
  api = await startServer((_req, res) => json(res, selfTest()));
  project = await makeProject({
    "shipgate.yaml": configYaml({ staging: { api: api.url } }),
    "gates/health.yaml":
      "name: health\nhost: api\nrequest: { path: /healthz/self-test }\nexpect:\n  status: 200\n  body:\n    - path: $.checks[21:27]\n      count: 6\n      every: { ok: true }\n",
  });
});

afterAll(async () => {
  await api.close();
  await project.remove();
});

describe("proxies", () => {
  it("when HTTP_PROXY is set, then requests go through the proxy", async () => {
    const proxy = await startProxy();
    try {
      const result = await runCli(["check"], {
        cwd: project.dir,
        env: { HTTP_PROXY: proxy.url, NO_PROXY: "" },
      });
      expect(result.code).toBe(0);
      expect(proxy.seen.some((s) => s.includes(`127.0.0.1:${api.port}`))).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it("when NO_PROXY names the host, then the proxy is bypassed", async () => {
    const proxy = await startProxy();
    try {
      const result = await runCli(["check"], {
        cwd: project.dir,
        env: { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" },
      });
      expect(result.code).toBe(0);
      expect(proxy.seen).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it("when the proxy refuses connections, then the gate is red with kind connection", async () => {
    const dead = await startProxy();
    const url = dead.url;
    await dead.close();
    const result = await runCli(["check", "--reporter", "json"], {
      cwd: project.dir,
      env: { HTTP_PROXY: url, NO_PROXY: "" },
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      gates: Array<{ failures: Array<{ kind: string }> }>;
    };
    expect(report.gates[0]!.failures[0]!.kind).toBe("connection");
  });
});
