import type { Retry } from "../config/model.js";
import type { HttpClient } from "./http-client.js";
import type { Observation } from "./observation.js";
import type { Attempt } from "./result.js";
import { type ConcreteRequest, sendRequest } from "./send-request.js";
import { abortReasonKind } from "./signals.js";

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const UNSAFE = new Set(["POST", "PATCH"]);

/** Connection errors, timeouts and 502/503/504 are worth another attempt; nothing else is. */
export function isRetryable(observation: Observation): boolean {
  const kind = observation.failure?.kind;
  if (kind === "timeout" || kind === "connection") return true;
  return observation.response !== undefined && RETRYABLE_STATUS.has(observation.response.status);
}

/** Sends a request, retrying as the gate allows; POST and PATCH only with `unsafe: true`. */
export async function sendWithRetry(
  client: HttpClient,
  request: ConcreteRequest,
  retry: Retry,
  signal: AbortSignal,
): Promise<{ observation: Observation; attempts: Attempt[] }> {
  const allowed = UNSAFE.has(request.method) && !retry.unsafe ? 1 : retry.attempts;
  const attempts: Attempt[] = [];
  for (let n = 1; ; n++) {
    const observation = await sendRequest(client, request, signal);
    attempts.push({
      attempt: n,
      status: observation.response?.status,
      failure: observation.failure?.kind,
      durationMs: observation.durationMs,
    });
    if (n >= allowed || !isRetryable(observation) || signal.aborted)
      return { observation, attempts };
    if (!(await sleep(retry.delayMs, signal)))
      return { observation: stoppedWhileWaiting(observation, signal), attempts };
  }
}

/**
 * The run stopped during the delay before a retry: the gate is cut short by
 * the deadline or an interrupt, not judged on the attempt that asked for a retry.
 */
function stoppedWhileWaiting(observation: Observation, signal: AbortSignal): Observation {
  const kind = abortReasonKind(signal.reason) ?? "interrupted";
  const last = observation.response
    ? `status ${observation.response.status}`
    : (observation.failure?.kind ?? "no response");
  const why = kind === "deadline" ? "the run's --deadline passed" : "the run was interrupted";
  return {
    ...observation,
    response: undefined,
    failure: { kind, message: `${why} while waiting to retry (last attempt: ${last})` },
  };
}

/** Waits, or returns false at once when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
