import http from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: string,
) => void | Promise<void>;

export interface TestServer {
  url: string;
  port: number;
  /** Requests received, as `METHOD /path?query`. */
  requests: string[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1, port chosen by the OS; every socket is destroyed on close. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: string[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push(`${req.method} ${req.url}`);
      Promise.resolve(handler(req, res, Buffer.concat(chunks).toString("utf8"))).catch(
        (error: unknown) => {
          res.statusCode = 599;
          res.end(String(error));
        },
      );
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function json(
  res: http.ServerResponse,
  value: unknown,
  status = 200,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

/** The 27-check self-test document of the story; `overrides` patches checks by index. */
export function selfTest(overrides: Record<number, Record<string, unknown>> = {}): {
  checks: Array<Record<string, unknown>>;
} {
  const names = ["db", "cache", "queue", "search", "mail", "storage", "auth", "billing", "cdn"];
  const checks = Array.from({ length: 27 }, (_, i) => ({
    name: `${names[i % names.length]}-${i}`,
    ok: true,
    ms: 3 + i,
  }));
  for (const [i, patch] of Object.entries(overrides)) Object.assign(checks[Number(i)]!, patch);
  return { checks };
}
