import type { Environment } from "../config/model.js";
import type { RunResult } from "../run/run-gates.js";
import type { AuditReport } from "./fidelity.js";
import type { PreflightResult } from "./preflight.js";

export type StepName = "tag" | "publish" | "push" | "verify";

/** One irreversible (or verifying) step and what became of it. */
export interface StepRecord {
  step: StepName;
  status: "done" | "failed" | "not run" | "undone" | "skipped";
  /** The exact command, ref and commit, or what happened. */
  detail: string;
}

export type ReleaseStatus =
  | "released"
  | "already-released"
  | "rehearsed"
  | "refused"
  | "red"
  | "declined"
  | "interrupted"
  | "failed";

/** What a release or rehearsal ended with; the CLI renders it and picks the exit code. */
export interface ReleaseOutcome {
  status: ReleaseStatus;
  version?: string;
  tag?: string;
  environment: Environment;
  run: RunResult;
  skipped: Array<{ name: string; file: string }>;
  preflight: PreflightResult[];
  steps: StepRecord[];
  /** Why it stopped, in one sentence, when it did not finish. */
  reason?: string;
  /** The one command that finishes or undoes what was left. */
  next?: string;
  audit?: AuditReport;
  /** An internal error caught after the release began; the CLI prints its stack as a bug. */
  crash?: unknown;
  /** What became of the rehearsal record. */
  record?: { ok: boolean; message: string };
}

/** An empty run, for outcomes decided before any gate ran. */
export function noRun(environment: string): RunResult {
  return {
    ok: false,
    environment,
    gates: [],
    durationMs: 0,
    startedAt: new Date().toISOString(),
  };
}
