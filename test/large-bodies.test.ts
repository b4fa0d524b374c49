import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Expectation } from "../src/config/model.js";
import { judge } from "../src/judge/judge.js";
import { HttpClient } from "../src/run/http-client.js";
import type { Observation } from "../src/run/observation.js";
import { STREAM_JSON_ABOVE, TEXT_PREFIX_BYTES } from "../src/run/read-body.js";
import { sendRequest } from "../src/run/send-request.js";
import { startServer, type TestServer } from "./helpers/server.js";

const MAX_BODY = 8 * 1024 * 1024;
const at = { line: 1, column: 1 };
const expectation: Expectation = {
  status: [200],
  body: [{ path: "$.checks[*]", every: { ok: true }, index: 0, position: at }],
  positions: {},
};
const ctx = { environment: "local", hostKey: "api", hostUrl: "http://127.0.0.1" };

/** A self-test document of about `bytes` bytes, past the streaming threshold; the last check is `last`. */
function document(bytes: number, last: unknown = true): string {
  const count = Math.ceil(bytes / 28);
  const checks = Array.from({ length: count }, (_, i) => ({
    name: `c${i}`,
    ok: i < count - 1 || last,
  }));
  return JSON.stringify({ version: "1.4.0", label: "caf\u00e9 \u{1f680}", checks });
}

const BIG = 2 * STREAM_JSON_ABOVE;
const bodies: Record<string, Buffer> = {
  green: Buffer.from(document(BIG)),
  red: Buffer.from(document(BIG, false)),
  "invalid-at-end": Buffer.from(`${document(BIG)},`),
  "cut-short": Buffer.from(document(BIG).slice(0, -2)),
  markup: Buffer.from(
    `\n  <!doctype html><html><body>${"<p>down</p>".repeat(BIG / 11)}</body></html>`,
  ),
  "bom-and-space": Buffer.from(`\uFEFF \r\n${document(BIG)}\n`),
  oversized: Buffer.from(document(MAX_BODY + 1024)),
};

/** Sends a body whole with a Content-Length, or chunked in uneven pieces without one. */
async function serve(res: http.ServerResponse, body: Buffer, chunked: boolean): Promise<void> {
  if (!chunked) {
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  for (let from = 0, size = 1; from < body.length; from += size, size = (size * 7) % 300_000) {
    if (!res.write(body.subarray(from, from + size)))
      await new Promise((resolve) => res.once("drain", resolve));
  }
  res.end();
}

let server: TestServer;
let client: HttpClient;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === "/stalled") {
      // Past the threshold, then nothing more: the parser holds an open array.
      res.writeHead(200, { "content-type": "application/json" });
      res.write(bodies.green!.subarray(0, BIG - 100));
      return;
    }
    const [, kind = "", mode] = /^\/(.+)\/(length|chunked)$/.exec(req.url ?? "") ?? [];
    const body = bodies[kind];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    return serve(res, body, mode === "chunked");
  });
  client = new HttpClient({ maxBodyBytes: MAX_BODY });
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

async function observe(path: string, timeoutMs = 20_000): Promise<Observation> {
  const request = {
    method: "GET",
    url: `${server.url}${path}`,
    headers: {},
    timeoutMs,
    followRedirects: false,
  };
  return sendRequest(client, request, new AbortController().signal);
}

const kinds = (o: Observation) => judge(o, expectation, ctx).failures.map((f) => f.kind);

describe.each(["length", "chunked"])(
  "when a body above the streaming threshold is sent (%s)",
  (mode) => {
    it("then a green document is green, parsed whole, with only a prefix of text kept", async () => {
      const o = await observe(`/green/${mode}`);
      expect(kinds(o)).toEqual([]);
      expect(o.response?.bytes).toBe(bodies.green!.length);
      expect(o.response?.json).toEqual({ ok: true, value: JSON.parse(bodies.green!.toString()) });
      expect(Buffer.byteLength(o.response?.text ?? "")).toBeLessThanOrEqual(TEXT_PREFIX_BYTES);
      expect(bodies.green!.toString().startsWith(o.response?.text ?? "-")).toBe(true);
    });

    it("then a document whose last check fails is red on that assertion", async () => {
      expect(kinds(await observe(`/red/${mode}`))).toEqual(["assertion"]);
    });

    it("then a document made invalid or cut at its very end is red as invalid JSON", async () => {
      const trailing = await observe(`/invalid-at-end/${mode}`);
      expect(trailing.response?.json).toEqual({
        ok: false,
        error: `unexpected text at offset ${bodies["invalid-at-end"]!.length - 1}`,
      });
      expect(kinds(trailing)).toEqual(["invalid-json"]);
      const cut = await observe(`/cut-short/${mode}`);
      expect(cut.response?.json).toEqual({ ok: false, error: "it ends too early" });
      expect(cut.response?.bytes).toBe(bodies["cut-short"]!.length);
    });

    it("then markup is named as markup without being parsed", async () => {
      const o = await observe(`/markup/${mode}`);
      expect(o.response?.json).toEqual({ ok: false, error: "the body is markup, not JSON" });
      expect(o.response?.bytes).toBe(bodies.markup!.length);
      expect(kinds(o)).toEqual(["html-response"]);
    });

    it("then a BOM and JSON whitespace around the document are skipped as before", async () => {
      expect(kinds(await observe(`/bom-and-space/${mode}`))).toEqual([]);
    });

    it("then a body past maxBodySize is refused as too large", async () => {
      const o = await observe(`/oversized/${mode}`);
      expect(o.failure?.kind).toBe("body-too-large");
      expect(o.response).toBeUndefined();
    });
  },
);

describe("when a body stalls after the streaming threshold", () => {
  it("then the request's timeout still cuts it off", async () => {
    const o = await observe("/stalled", 1000);
    expect(o.failure?.kind).toBe("timeout");
    expect(o.response).toBeUndefined();
  });
});
