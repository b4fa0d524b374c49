import type { Retry } from "../config/model.js";
import type { HttpClient } from "./http-client.js";
import type { Observation } from "./observation.js";
import type { Attempt } from "./result.js";
import { type ConcreteRequest, sendRequest } from "./send-request.js";

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
    if (!(await sleep(retry.delayMs, signal))) return { observation, attempts };
  }
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
