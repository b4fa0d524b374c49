import type { HttpClient } from "./http-client.js";
import type { HttpResponse, Observation, TransportFailure } from "./observation.js";
import { BodyTooLarge, readBody } from "./read-body.js";
import { abortReasonKind } from "./signals.js";

/** A request with every template resolved. */
export interface ConcreteRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  followRedirects: boolean;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** An observation of a request before anything came back. */
export function blankObservation(
  request: ConcreteRequest,
  startedAt = new Date().toISOString(),
): Observation {
  return { method: request.method, url: request.url, startedAt, durationMs: 0, redirects: [] };
}

/** The longest delay a Node timer can hold; plan refuses longer timeouts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Sends one request with a wall-clock deadline covering connect, headers and
 * the whole body. Never throws for anything the server or network does: the
 * outcome is an observation.
 */
export async function sendRequest(
  client: HttpClient,
  request: ConcreteRequest,
  runSignal: AbortSignal,
): Promise<Observation> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const { signal, dispose } = requestSignal(request.timeoutMs, runSignal);
  const observation = blankObservation(request, startedAt);
  // undici does not abort a pending connect on a signal; the race bounds it anyway.
  const deadline = rejectOnAbort(signal);
  try {
    await Promise.race([exchange(client, request, signal, observation), deadline.promise]);
  } catch (error: unknown) {
    observation.response = undefined;
    observation.failure = classify(error, signal, request);
  } finally {
    dispose();
    deadline.dispose();
    observation.durationMs = Math.round(performance.now() - started);
  }
  return observation;
}

/**
 * A signal that aborts when the request's own timer fires or the run stops,
 * with the reason of whichever came first. The timer is cleared on dispose:
 * AbortSignal.timeout cannot be, and kept each finished request's objects
 * alive until it fired (RSS growth in the soak). One controller and one
 * listener instead of AbortSignal.any, which cost 4% of a 5,000-gate run.
 */
function requestSignal(
  timeoutMs: number,
  runSignal: AbortSignal,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException("the request timed out", "TimeoutError")),
    Math.min(timeoutMs, MAX_TIMER_MS),
  );
  const onRunStop = () => controller.abort(runSignal.reason);
  if (runSignal.aborted) onRunStop();
  else runSignal.addEventListener("abort", onRunStop, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      runSignal.removeEventListener("abort", onRunStop);
    },
  };
}

async function exchange(
  client: HttpClient,
  request: ConcreteRequest,
  signal: AbortSignal,
  observation: Observation,
): Promise<void> {
  const { request: send } = await client.undici();
  const dispatcher = await client.dispatcher(request.timeoutMs);
  let url = request.url;
  let method = request.method;
  let body = request.body;
  for (let hop = 0; ; hop++) {
    const res = await send(url, {
      method: method as "GET",
      headers: request.headers,
      body,
      signal,
      dispatcher,
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.timeoutMs,
    });
    const location = res.headers.location;
    if (
      request.followRedirects &&
      REDIRECTS.has(res.statusCode) &&
      typeof location === "string" &&
      hop < MAX_REDIRECTS
    ) {
      const next = new URL(location, url);
      if (next.origin === new URL(url).origin) {
        res.body.resume();
        observation.redirects.push(next.href);
        url = next.href;
        if (
          res.statusCode === 303 ||
          ((res.statusCode === 301 || res.statusCode === 302) && method === "POST")
        ) {
          method = "GET";
          body = undefined;
        }
        continue;
      }
      observation.blockedRedirect = next.href;
    }
    observation.response = await readResponse(res, client.maxBodyBytes);
    return;
  }
}

type UndiciResponse = Awaited<ReturnType<typeof import("undici").request>>;

async function readResponse(res: UndiciResponse, maxBytes: number): Promise<HttpResponse> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined)
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  const declared = Number(headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy();
    throw new BodyTooLarge(declared, maxBytes);
  }
  const mediaType = headers["content-type"]?.split(";")[0]?.trim().toLowerCase() || undefined;
  const body = await readBody(res.body, declared, maxBytes);
  return { status: res.statusCode, headers, mediaType, ...body };
}

function rejectOnAbort(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let onAbort: () => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal.removeEventListener("abort", onAbort) };
}

const CONNECTION_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the server",
  EPIPE: "connection closed by the server",
  ENOTFOUND: "host name not found (DNS)",
  EAI_AGAIN: "host name lookup failed (DNS)",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_SOCKET: "the connection closed unexpectedly",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS: the server's certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS: a self-signed certificate in the chain",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS: the certificate cannot be verified",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "TLS: the certificate's issuer is not trusted",
  CERT_HAS_EXPIRED: "TLS: the certificate has expired",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS: the certificate does not name this host",
  ERR_SSL_WRONG_VERSION_NUMBER: "TLS: the server does not speak TLS on this port",
};

function classify(error: unknown, signal: AbortSignal, request: ConcreteRequest): TransportFailure {
  const seconds = `${(request.timeoutMs / 1000).toFixed(request.timeoutMs % 1000 === 0 ? 0 : 1)}s`;
  const runKind = abortReasonKind(signal.reason);
  if (signal.aborted && runKind) {
    return runKind === "deadline"
      ? { kind: "deadline", message: "the run's --deadline passed before the response completed" }
      : { kind: "interrupted", message: "interrupted before the response completed" };
  }
  if (error instanceof BodyTooLarge) {
    return {
      kind: "body-too-large",
      message: `the response body is larger than the ${error.limit}-byte limit (maxBodySize)`,
    };
  }
  const { code, name, message } = errorParts(error);
  if (name === "TimeoutError" || name === "AbortError" || signal.aborted) {
    return { kind: "timeout", message: `no complete response within ${seconds}`, code: "TIMEOUT" };
  }
  switch (code) {
    case "UND_ERR_CONNECT_TIMEOUT":
      return { kind: "timeout", message: `could not connect within ${seconds}`, code };
    case "UND_ERR_HEADERS_TIMEOUT":
      return { kind: "timeout", message: `no response headers within ${seconds}`, code };
    case "UND_ERR_BODY_TIMEOUT":
      return { kind: "timeout", message: `the body stalled; not complete within ${seconds}`, code };
    case "UND_ERR_RES_EXCEEDED_MAX_SIZE":
      return {
        kind: "body-too-large",
        message: "the response body is larger than maxBodySize",
        code,
      };
  }
  const known = code ? CONNECTION_CODES[code] : undefined;
  return { kind: "connection", message: known ?? (message || "the connection failed"), code };
}

function errorParts(error: unknown): { code?: string; name?: string; message: string } {
  let e: unknown = error;
  // undici wraps socket errors; the useful code is often on the cause.
  for (let depth = 0; depth < 4 && e && typeof e === "object"; depth++) {
    const { code, name, message, cause } = e as {
      code?: string;
      name?: string;
      message?: string;
      cause?: unknown;
    };
    if (code && code !== "UND_ERR_SOCKET" && code !== "UND_ERR_CONNECT")
      return { code, name, message: message ?? "" };
    if (!cause) return { code, name, message: message ?? String(e) };
    e = cause;
  }
  return { message: String(error) };
}
