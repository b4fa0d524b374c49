/**
 * Hostile HTTP responses as data, a raw TCP server that sends them byte by
 * byte (any status line, lying lengths, cuts, resets, stalls, slow chunks),
 * and an oracle that says whether a response satisfies the test gate.
 */
import net from "node:net";
import fc from "fast-check";
import type { Expectation } from "../../src/config/model.js";
import { type Json, oracle, type Segment } from "./json-oracle.js";

export type BodyKind =
  | "green"
  | "green-bom"
  | "green-padded"
  | "ok-false"
  | "short-list"
  | "no-checks"
  | "version-2"
  | "ok-string"
  | "html"
  | "empty"
  | "invalid"
  | "huge"
  | "deep"
  | "latin1";
export type Framing = "length" | "chunked" | "close" | "length-short" | "length-long";

export interface HostileCase {
  status: number;
  contentType: string | null;
  extraHeaders: Array<[string, string]>;
  body: BodyKind;
  framing: Framing;
  /** Fraction of the body sent before the end; undefined sends it all. */
  cut?: number;
  /** How a cut response ends. */
  end: "close" | "reset" | "stall";
  chunks: number;
  chunkDelayMs: number;
  headerDelayMs: number;
}

/** The test gate: timeout, status, content type and two body assertions. */
export const TIMEOUT_MS = 1_500;
export const MAX_BODY = 64 * 1024;
const ASSERTIONS: Array<{ segments: Segment[]; predicates: Record<string, Json> }> = [
  {
    segments: [
      { t: "name", key: "checks" },
      { t: "slice", start: 0, end: 3 },
    ],
    predicates: { count: 3, every: { ok: true } },
  },
  { segments: [{ t: "name", key: "version" }], predicates: { matches: "^1\\." } },
];

export function gateExpectation(): Expectation {
  return {
    status: [200],
    contentType: "application/json",
    body: [
      { path: "$.checks[0:3]", count: 3, every: { ok: true }, index: 0, position: at },
      { path: "$.version", matches: "^1\\.", index: 1, position: at },
    ],
    positions: {},
  };
}
const at = { line: 1, column: 1 };

const checks = (n: number, ok: unknown = true) =>
  Array.from({ length: n }, (_, i) => ({ name: `c${i}`, ok }));

export function bodyBytes(kind: BodyKind): Buffer {
  const green = { version: "1.4.0", checks: checks(3) };
  switch (kind) {
    case "green":
      return Buffer.from(JSON.stringify(green));
    case "green-bom":
      return Buffer.from(`\uFEFF${JSON.stringify(green)}`);
    case "green-padded":
      return Buffer.from(`${JSON.stringify(green)}\n      \n`);
    case "ok-false":
      return Buffer.from(
        JSON.stringify({ ...green, checks: [...checks(2), { name: "c2", ok: false }] }),
      );
    case "short-list":
      return Buffer.from(JSON.stringify({ ...green, checks: checks(2) }));
    case "no-checks":
      return Buffer.from(JSON.stringify({ version: "1.4.0" }));
    case "version-2":
      return Buffer.from(JSON.stringify({ ...green, version: "2.0.0" }));
    case "ok-string":
      return Buffer.from(JSON.stringify({ ...green, checks: checks(3, "true") }));
    case "html":
      return Buffer.from(
        "<!doctype html><html><head><title>404</title></head><body>Not Found</body></html>",
      );
    case "empty":
      return Buffer.alloc(0);
    case "invalid":
      return Buffer.from('{"version": "1.4.0", "checks": [{"ok": true},');
    case "huge":
      return Buffer.from(JSON.stringify({ ...green, pad: "x".repeat(MAX_BODY + 10) }));
    case "deep":
      return Buffer.from(`${"[".repeat(20_000)}${"]".repeat(20_000)}`);
    case "latin1":
      return Buffer.concat([
        Buffer.from('{"version": "1.4.0", "checks": [{"ok": true, "n": "caf'),
        Buffer.from([0xe9]),
        Buffer.from('"}, {"ok": true}, {"ok": true}]}'),
      ]);
  }
}

const often = <T>(usual: T, others: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: others });

/** Mostly a clean green response with one or two things wrong, so both verdicts are common. */
export const hostileCase: fc.Arbitrary<HostileCase> = fc.record({
  status: often(200, fc.constantFrom(200, 201, 204, 302, 404, 500, 503)),
  contentType: often(
    "application/json",
    fc.constantFrom(
      "application/json; charset=utf-8",
      "Application/JSON",
      "application/problem+json",
      "text/html",
      "text/plain",
      null,
    ),
  ),
  extraHeaders: often(
    [],
    fc.subarray([
      ["x-request-id", "req-1"] as [string, string],
      ["cache-control", "no-store"] as [string, string],
      ["content-type", "text/html"] as [string, string],
      ["x-junk", "\u00ff"] as [string, string],
    ]),
  ),
  body: often<BodyKind>(
    "green",
    fc.constantFrom<BodyKind>(
      "green-bom",
      "green-padded",
      "ok-false",
      "short-list",
      "no-checks",
      "version-2",
      "ok-string",
      "html",
      "empty",
      "invalid",
      "huge",
      "deep",
      "latin1",
    ),
  ),
  framing: often<Framing>(
    "length",
    fc.constantFrom<Framing>("chunked", "close", "length-short", "length-long"),
  ),
  cut: often<number | undefined>(undefined, fc.double({ min: 0, max: 0.999, noNaN: true })),
  end: fc.constantFrom("close" as const, "reset" as const, "stall" as const),
  chunks: fc.integer({ min: 1, max: 5 }),
  chunkDelayMs: fc.constantFrom(0, 0, 5, 40, 150),
  headerDelayMs: fc.constantFrom(0, 0, 20, 200),
});

/** What the client may legitimately end up with: the body bytes, or that it cannot complete. */
export function effectiveBody(c: HostileCase): { complete: boolean; body: Buffer } {
  const body = bodyBytes(c.body);
  const sent = c.cut === undefined ? body.length : Math.floor(body.length * c.cut);
  switch (c.framing) {
    case "length":
    case "chunked":
      return { complete: sent === body.length, body };
    case "close":
      // The end of a close-delimited body is the close itself: a cut is a shorter body.
      return { complete: c.end === "close" || sent === body.length, body: body.subarray(0, sent) };
    case "length-short": {
      const declared = Math.max(0, body.length - 3);
      return { complete: sent >= declared, body: body.subarray(0, declared) };
    }
    case "length-long":
      return { complete: false, body };
  }
}

/** True when the response satisfies the gate, judged from the case alone. */
export function shouldBeGreen(c: HostileCase): boolean {
  const { complete, body } = effectiveBody(c);
  if (!complete || c.status !== 200) return false;
  const type = c.extraHeaders.some(([k]) => k === "content-type")
    ? null // two content types: not one the gate asked for
    : c.contentType;
  if ((type ?? "").split(";")[0]?.trim().toLowerCase() !== "application/json") return false;
  if (body.length > MAX_BODY) return false;
  const text = body.toString("utf8").replace(/^\uFEFF/, "");
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch {
    return false;
  }
  return ASSERTIONS.every((a) => oracle(a.segments, a.predicates, doc).green);
}

/** Whether the gate must be green: a well-formed, prompt, satisfying response. */
export function mustBeGreen(c: HostileCase): boolean {
  const slow = c.headerDelayMs + c.chunks * c.chunkDelayMs > TIMEOUT_MS / 3;
  const wellFormed = c.framing === "length" || c.framing === "chunked";
  return shouldBeGreen(c) && wellFormed && c.cut === undefined && !slow;
}

export interface HostileServer {
  url: string;
  cases: Map<string, HostileCase>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw TCP server: `GET /case/ID` gets exactly the bytes case ID describes. */
export async function startHostileServer(): Promise<HostileServer> {
  const cases = new Map<string, HostileCase>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let head = "";
    const onData = (d: Buffer) => {
      head += d.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      socket.off("data", onData);
      const id = /^GET \/case\/(\S+) /.exec(head)?.[1] ?? "";
      const c = cases.get(id);
      if (!c) return socket.destroy();
      void respond(socket, c);
    };
    socket.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cases,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function respond(socket: net.Socket, c: HostileCase): Promise<void> {
  const body = bodyBytes(c.body);
  const lines = [`HTTP/1.1 ${c.status} Whatever`];
  if (c.contentType !== null) lines.push(`content-type: ${c.contentType}`);
  for (const [k, v] of c.extraHeaders) lines.push(`${k}: ${v}`);
  if (c.framing === "length") lines.push(`content-length: ${body.length}`);
  if (c.framing === "length-short") lines.push(`content-length: ${Math.max(0, body.length - 3)}`);
  if (c.framing === "length-long") lines.push(`content-length: ${body.length + 7}`);
  if (c.framing === "chunked") lines.push("transfer-encoding: chunked");
  lines.push("connection: close");
  const write = (b: Buffer | string) =>
    new Promise<void>((resolve) => {
      if (socket.destroyed) return resolve();
      socket.write(b, () => resolve());
    });
  if (c.headerDelayMs) await sleep(c.headerDelayMs);
  await write(Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"));
  const sent = c.cut === undefined ? body.length : Math.floor(body.length * c.cut);
  const size = Math.ceil(sent / c.chunks) || 1;
  for (let i = 0; i < sent; i += size) {
    if (c.chunkDelayMs) await sleep(c.chunkDelayMs);
    const piece = body.subarray(i, Math.min(sent, i + size));
    await write(
      c.framing === "chunked"
        ? Buffer.concat([
            Buffer.from(`${piece.length.toString(16)}\r\n`),
            piece,
            Buffer.from("\r\n"),
          ])
        : piece,
    );
  }
  if (c.cut === undefined) {
    if (c.framing === "chunked") await write("0\r\n\r\n");
    if (c.framing !== "length-long") return void socket.end();
  }
  if (c.end === "stall") return; // the server's close() destroys it
  if (c.end === "reset") socket.resetAndDestroy();
  else socket.end();
}
