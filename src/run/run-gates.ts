import { setMaxListeners } from "node:events";
import type { Plan, PlannedGate } from "../plan/plan.js";
import { HttpClient } from "./http-client.js";
import type { GateResult } from "./result.js";
import { runGate } from "./run-gate.js";
import { RunStop } from "./signals.js";

export interface RunOptions {
  /** Gates at once; 8 by default. */
  concurrency?: number;
  /** Bound for the whole run, in milliseconds. */
  deadlineMs?: number;
  /** Aborting it (with a RunStop) cancels what is left. */
  signal?: AbortSignal;
  maxBodyBytes: number;
  onGateStart?: (gate: PlannedGate) => void;
  onGateEnd?: (result: GateResult) => void;
}

export interface RunResult {
  ok: boolean;
  environment: string;
  /** In the order the gates were planned, whatever order they finished in. */
  gates: GateResult[];
  durationMs: number;
  startedAt: string;
  stopped?: "deadline" | "interrupted";
}

/** Runs planned gates concurrently; results come back in plan order. */
export async function runGates(plan: Plan, opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const controller = new AbortController();
  // Every request in flight listens to the run's signal: as many as --concurrency.
  setMaxListeners(0, controller.signal);
  const stop = (reason: RunStop) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const deadline =
    opts.deadlineMs !== undefined
      ? setTimeout(() => stop(new RunStop("deadline")), opts.deadlineMs)
      : undefined;
  const onOuterAbort = () =>
    stop(opts.signal?.reason instanceof RunStop ? opts.signal.reason : new RunStop("interrupted"));
  if (opts.signal?.aborted) onOuterAbort();
  opts.signal?.addEventListener("abort", onOuterAbort, { once: true });

  const client = new HttpClient({ maxBodyBytes: opts.maxBodyBytes });
  // Load the HTTP stack before the first clock starts, so no gate's duration includes it.
  if (plan.gates.length > 0) await client.undici();
  const results: GateResult[] = new Array(plan.gates.length);
  let next = 0;
  const worker = async () => {
    while (next < plan.gates.length) {
      const index = next++;
      const planned = plan.gates[index]!;
      if (controller.signal.aborted) {
        results[index] = notRun(planned, controller.signal.reason as RunStop);
        opts.onGateEnd?.(results[index]);
        continue;
      }
      opts.onGateStart?.(planned);
      results[index] = await runGate(planned, {
        client,
        signal: controller.signal,
        version: plan.version,
        env: plan.env,
        redact: (text) => plan.redactor.redact(text),
      });
      opts.onGateEnd?.(results[index]);
    }
  };
  const width = Math.max(1, Math.min(opts.concurrency ?? 8, plan.gates.length));
  try {
    await Promise.all(Array.from({ length: width }, worker));
  } finally {
    if (deadline) clearTimeout(deadline);
    opts.signal?.removeEventListener("abort", onOuterAbort);
    await client.close();
  }
  const stopped = controller.signal.aborted
    ? (controller.signal.reason as RunStop).kind
    : undefined;
  return {
    ok: results.length > 0 && results.every((r) => r.ok) && !stopped,
    environment: plan.environment.name,
    gates: results,
    durationMs: Math.round(performance.now() - started),
    startedAt,
    stopped,
  };
}

function notRun(planned: PlannedGate, reason: RunStop): GateResult {
  const { gate } = planned;
  return {
    name: gate.name,
    file: gate.file,
    line: gate.position.line,
    environment: planned.environment.name,
    host: gate.host,
    hostUrl: planned.hostUrl,
    ok: false,
    durationMs: 0,
    attempts: 0,
    passedOnRetry: false,
    failures: [
      {
        kind: reason.kind,
        message:
          reason.kind === "deadline"
            ? "not run: the run's --deadline passed first"
            : "not run: the run was interrupted",
      },
    ],
    warnings: [],
    steps: [],
    notRun: true,
  };
}
