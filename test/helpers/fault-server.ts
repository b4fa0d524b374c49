import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startServer, type TestServer } from "./server.js";

/** A SvelteKit-like 404 page: what the story's gate got from the frontend's host. */
export const SVELTEKIT_404 = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>404 · Not Found · Example</title>
    <link rel="modulepreload" href="/_app/immutable/entry/start.BX2e9.js">
    <script type="module">import("/_app/immutable/entry/app.js")</script>
    <style>body { font-family: system-ui; }</style>
  </head>
  <body data-sveltekit-preload-data="hover">
    <div style="display: contents">
      <h1>404</h1>
      <p>Not Found: the page you are looking for does not exist on this site. Check the address,
      or go back to the home page of Example where the documentation, the pricing and the blog
      live. This text is long enough that an excerpt of two hundred characters is visible.</p>
    </div>
  </body>
</html>
`;

/** A generic error page with no detail, as production serves with logging off. */
export const GENERIC_500 = `<!DOCTYPE html>
<html>
<head><title>500 Internal Server Error</title></head>
<body>
<center><h1>500 Internal Server Error</h1></center>
<hr><center>We're sorry, but something went wrong. If you are the application owner check
the logs for more information. The server encountered an internal error or misconfiguration
and was unable to complete your request. Please contact the server administrator.</center>
</body>
</html>
`;

/** 50 MB: five times the default 10 MB body cap. */
export const BIG_BYTES = 50 * 1024 * 1024;

export interface FaultServer extends TestServer {
  /** Another loopback origin, the target of `/redirect-away`. */
  other: TestServer;
}

/**
 * A loopback server whose routes misbehave the ways real servers do:
 *
 * - `/hang`: never sends headers
 * - `/stall`: headers and part of a JSON body, then nothing
 * - `/drip`: one byte every 200 ms, forever
 * - `/reset`: part of a body, then a TCP reset
 * - `/big`: 50 MB with a content-length; `/big-chunked`: 50 MB without one
 * - `/invalid-json`: application/json that does not parse
 * - `/html-404`: a SvelteKit-like 404 page; `/html-500`: a generic 500 page
 * - `/empty-500`: a 500 with no body
 * - `/redirect-away`: a 302 to another origin; `/redirect-here`: a 307 to `/ok`
 * - `/kilobytes`: 4 KB of valid JSON
 * - `/ok`: the self-test document, green
 */
export async function startFaultServer(): Promise<FaultServer> {
  const other = await startServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"checks":[]}');
  });
  const timers = new Set<NodeJS.Timeout>();
  const server = await startServer((req, res) => {
    const route = new URL(req.url ?? "/", "http://x").pathname;
    switch (route) {
      case "/hang":
        return;
      case "/stall":
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"checks": [');
        return;
      case "/drip": {
        res.writeHead(200, { "content-type": "application/json" });
        const timer = setInterval(() => {
          if (res.destroyed) clearInterval(timer);
          else res.write(" ");
        }, 200);
        timers.add(timer);
        res.on("close", () => clearInterval(timer));
        return;
      }
      case "/reset":
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"checks": [{"name": "db", "ok": true}, ');
        setTimeout(() => req.socket.resetAndDestroy(), 50);
        return;
      case "/big":
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": String(BIG_BYTES),
        });
        return streamBig(res);
      case "/big-chunked":
        res.writeHead(200, { "content-type": "application/json" });
        return streamBig(res);
      case "/invalid-json":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"checks": [{"name": "db", "ok": true},');
        return;
      case "/html-404":
        res.writeHead(404, {
          "content-type": "text/html; charset=utf-8",
          "x-request-id": "req-404",
        });
        res.end(SVELTEKIT_404);
        return;
      case "/html-500":
        res.writeHead(500, { "content-type": "text/html", "x-request-id": "req-500-abc" });
        res.end(GENERIC_500);
        return;
      case "/empty-500":
        res.writeHead(500, { "content-length": "0" });
        res.end();
        return;
      case "/kilobytes":
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ checks: [{ name: "db", ok: true, pad: "p".repeat(4096) }] }));
        return;
      case "/redirect-here":
        res.writeHead(307, { location: "/ok" });
        res.end();
        return;
      case "/redirect-away":
        res.writeHead(302, { location: `${other.url}/healthz/self-test` });
        res.end();
        return;
      default:
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ checks: [{ name: "db", ok: true }] }));
    }
  });
  return {
    ...server,
    other,
    close: async () => {
      for (const t of timers) clearInterval(t);
      await Promise.all([server.close(), other.close()]);
    },
  };
}

/** Writes 50 MB in 1 MB chunks, stopping as soon as the client goes away. */
function streamBig(res: http.ServerResponse): void {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let sent = 0;
  const pump = () => {
    while (sent < BIG_BYTES && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    if (!res.destroyed) res.end();
  };
  res.on("close", () => {
    sent = BIG_BYTES;
  });
  pump();
}

/** A loopback port that was bound and then closed: connecting to it is refused. */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A host name under the reserved `.invalid` TLD: it never resolves and no query leaves the machine. */
export const UNRESOLVABLE_URL = "http://shipgate-no-such-host.invalid";

export interface TlsServer {
  url: string;
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 with a self-signed certificate made now with openssl. */
export async function startSelfSignedServer(): Promise<TlsServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-tls-"));
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  const server = https.createServer(
    { key: readFileSync(key), cert: readFileSync(cert) },
    (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ checks: [{ name: "db", ok: true }] }));
    },
  );
  const sockets = new Set<net.Socket>();
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
