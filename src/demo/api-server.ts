import http from "node:http";
import type { AddressInfo } from "node:net";

/** How the demo API misbehaves: the story's second and third bugs, or neither. */
export interface ApiState {
  /** The self-test hangs (a blocking call inside a C client ignored its timeout). */
  selfTestHangs: boolean;
  /** Production logging off: every publish fails with the generic HTML 500 page. */
  publishFails: boolean;
  /** Requests to delete a queue, counted for the zombie-queue story. */
  deletions: number;
  queues: Map<string, Array<{ id: string; body: unknown }>>;
}

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

const CHECK_NAMES = [
  "config",
  "secrets",
  "db-primary",
  "db-replica",
  "migrations",
  "cache",
  "sessions",
  "search-index",
  "mail-relay",
  "sms",
  "storage",
  "cdn",
  "image-resize",
  "billing",
  "tax",
  "invoices",
  "auth",
  "oauth",
  "rate-limit",
  "feature-flags",
  "audit-log",
  "queue-broker",
  "queue-consumers",
  "queue-dead-letter",
  "webhooks",
  "scheduler",
  "prongs",
];

/** The 27-check self-test document the story's gate slices `[21:27]` from. */
export function selfTestDocument(): {
  status: string;
  checks: Array<{ name: string; ok: boolean; ms: number }>;
} {
  return {
    status: "ok",
    checks: CHECK_NAMES.map((name, i) => ({ name, ok: true, ms: 2 + ((i * 7) % 13) })),
  };
}

const HTML_500 = `<!DOCTYPE html>
<html><head><title>500 Internal Server Error</title>
<style>body{font-family:sans-serif;margin:4em}</style></head>
<body><h1>We're sorry, but something went wrong.</h1>
<p>If you are the application owner check the logs for more information.</p>
<p>The server encountered an internal error and was unable to complete your request.</p>
</body></html>`;

/** The story's API on loopback: a self-test and a message queue, with a bearer token. */
export async function startApi(state: ApiState, token: string): Promise<DemoServer> {
  let messageCounter = 0;
  return listen(async (req, res, body) => {
    const url = new URL(req.url ?? "/", "http://demo");
    const parts = url.pathname.split("/").filter(Boolean);
    res.setHeader(
      "x-request-id",
      `req-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`,
    );
    if (req.headers.authorization !== `Bearer ${token}`)
      return sendJson(res, 401, { error: "missing or wrong bearer token" });

    if (url.pathname === "/healthz/self-test") {
      if (state.selfTestHangs) return; // Never answers: the client must give up on its own.
      return sendJson(res, 200, selfTestDocument(), { "cache-control": "no-store" });
    }
    if (parts[0] !== "v1" || parts[1] !== "queues" || !parts[2])
      return sendJson(res, 404, { error: "no such route" });
    const name = parts[2];
    const queue = state.queues.get(name);
    if (parts.length === 3 && req.method === "PUT") {
      state.queues.set(name, queue ?? []);
      return sendJson(res, 201, { name });
    }
    if (parts.length === 3 && req.method === "DELETE") {
      state.deletions++;
      if (!queue) return sendJson(res, 404, { error: "no such queue" });
      state.queues.delete(name);
      return send(res, 204, "", {});
    }
    if (!queue) return sendJson(res, 404, { error: "no such queue" });
    if (parts[3] === "messages" && parts.length === 4 && req.method === "POST") {
      if (state.publishFails)
        return send(res, 500, HTML_500, { "content-type": "text/html; charset=utf-8" });
      const id = `msg-${++messageCounter}`;
      queue.push({ id, body: JSON.parse(body || "null") });
      return sendJson(res, 202, { id });
    }
    if (parts[3] === "messages" && parts[4] === "next" && req.method === "GET") {
      const message = queue[0];
      if (!message) return sendJson(res, 404, { error: "queue is empty" });
      return sendJson(res, 200, message, { "x-receipt": `rcpt-${message.id}` });
    }
    if (parts[3] === "messages" && parts[5] === "ack" && req.method === "POST") {
      const index = queue.findIndex((m) => m.id === parts[4]);
      if (index < 0 || req.headers["x-receipt"] !== `rcpt-${parts[4]}`)
        return sendJson(res, 409, { error: "unknown message or receipt" });
      queue.splice(index, 1);
      return send(res, 204, "", {});
    }
    return sendJson(res, 404, { error: "no such route" });
  });
}

const FRONTEND_404 = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>404 · Not found</title>
<link rel="modulepreload" href="/_app/immutable/entry/start.js"></head>
<body data-sveltekit-preload-data="hover"><div style="display: contents">
<h1>404</h1><p>Not found: this page does not exist.</p></div>
<script>__sveltekit_demo = { base: "" };</script></body></html>`;

/** The frontend that shares the domain: SvelteKit-like HTML, a 404 page for anything unknown. */
export async function startFrontend(): Promise<DemoServer> {
  return listen((req, res) => {
    if (req.url === "/")
      return send(
        res,
        200,
        "<!doctype html><html><head><title>Example</title></head><body>Hello</body></html>",
        { "content-type": "text/html" },
      );
    send(res, 404, FRONTEND_404, { "content-type": "text/html; charset=utf-8" });
  });
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  send(res, status, JSON.stringify(value), { "content-type": "application/json", ...headers });
}

function send(
  res: http.ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
): void {
  res.writeHead(status, headers);
  res.end(body);
}

type Handler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: string,
) => void | Promise<void>;

async function listen(handler: Handler): Promise<DemoServer> {
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void handler(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
