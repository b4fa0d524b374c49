import {
  type CheckOptions,
  type Loaded,
  loadProject,
  planProject,
  runPlan,
} from "../core/check.js";
import type { Plan } from "../plan/plan.js";
import type { RunResult } from "../run/run-gates.js";
import type { Redactor } from "../template/redact.js";
import { openContext, type ReleaseContext } from "./context.js";
import { acquireLock } from "./lock.js";
import { noRun, type ReleaseOutcome, type StepRecord } from "./outcome.js";
import { runPreflight } from "./preflight.js";
import { decide, observe } from "./state.js";
import {
  base,
  finish,
  irreversible,
  pushAndVerify,
  rerunCommand,
  withStatus,
} from "./irreversible.js";
import { plannedSteps } from "./steps.js";
import { parseVersion } from "./version.js";

/** A confirmation answered later than this means the gates run again first. */
export const CONFIRM_FRESH_MS = 2 * 60_000;

export interface ReleaseOptions
  extends Omit<CheckOptions, "gates" | "filter" | "version" | "redactor"> {
  /** VERSION as typed; a leading `v` is accepted. */
  version: string;
  redactor: Redactor;
  skipRehearsal?: boolean;
  otp?: string;
  /** Asks before the first irreversible step; left out means yes (--yes, CI, no TTY). */
  confirm?: (steps: StepRecord[]) => Promise<boolean>;
  /** Asks for a one-time password when npm wants one. */
  askOtp?: () => Promise<string | undefined>;
  /** A line of progress for a person (the CLI writes it to stderr). */
  onProgress?: (line: string) => void;
  /** Called just before the first irreversible step. */
  onIrreversible?: () => void;
  /** For tests of the two-minute rule. */
  now?: () => number;
}

/**
 * `shipgate release VERSION`: observe the repository, remote and registry,
 * decide the next step from the resume table, and run the rest in order.
 * Never prints, never exits.
 */
export async function release(opts: ReleaseOptions): Promise<ReleaseOutcome> {
  const version = parseVersion(opts.version);
  const loaded = await loadProject(opts);
  const ctx = await openContext(loaded, { version, redactor: opts.redactor, env: opts.processEnv });
  if (!ctx.inRepo) return fullRelease(ctx, opts, false);

  const lock = await acquireLock(ctx.gitDir!);
  try {
    const { release: rc } = loaded.config;
    const observed = await observe({
      git: ctx.git,
      npm: ctx.npm,
      remote: rc.remote,
      tag: ctx.tag!,
      publish: ctx.publish,
      packageName: ctx.pkg?.name,
      version: version.version,
      registry: ctx.registry,
    });
    const next = decide(observed, { tag: ctx.tag!, remote: rc.remote, publish: ctx.publish });
    switch (next.kind) {
      case "refuse":
        return refuseWithPreflight(ctx, opts, next.reason, next.next);
      case "verify": {
        const steps = withStatus(plannedSteps(ctx), ["tag", "publish", "push"], "done");
        return await guarded(ctx, steps, () => finish(ctx, opts, steps, true));
      }
      case "push": {
        const steps = withStatus(plannedSteps(ctx), ["tag", "publish"], "done");
        return await guarded(ctx, steps, () => pushAndVerify(ctx, opts, steps));
      }
      case "release":
        return await fullRelease(ctx, opts, next.resuming);
    }
  } finally {
    await lock.release();
  }
}

async function fullRelease(
  ctx: ReleaseContext,
  opts: ReleaseOptions,
  resuming: boolean,
): Promise<ReleaseOutcome> {
  const { plan, preflight } = await planAndPreflight(ctx, opts, resuming);
  const steps = plannedSteps(ctx);
  if (resuming) withStatus(steps, ["tag"], "done");
  const outcome = (
    status: ReleaseOutcome["status"],
    run: RunResult = noRun(plan.environment.name),
  ): ReleaseOutcome => ({
    ...base(ctx, status, plan),
    run,
    preflight,
    steps,
  });
  if (preflight.some((p) => p.status === "problem"))
    return { ...outcome("refused"), reason: "preflight found problems; nothing was changed" };
  if (opts.signal?.aborted)
    return {
      ...outcome("interrupted"),
      reason: "interrupted before the gates; nothing was changed",
    };

  opts.onPlanned?.(plan);
  const checked = await gatesThenConfirm(ctx, plan, opts, steps);
  if ("status" in checked)
    return { ...outcome(checked.status, checked.run), reason: checked.reason };
  const { run } = checked;
  if (opts.signal?.aborted)
    return {
      ...outcome("interrupted", run),
      reason: "interrupted before the tag; nothing was changed",
    };

  const result = await guarded(ctx, steps, () => irreversible(ctx, opts, run, steps, resuming));
  return { ...result, run, preflight };
}

/** Plans the gates for VERSION and runs every preflight check against that plan. */
async function planAndPreflight(ctx: ReleaseContext, opts: ReleaseOptions, resuming: boolean) {
  const plan = await planProject(ctx.loaded, { ...opts, version: ctx.version!.version });
  const preflight = await runPreflight({
    ...ctx,
    config: ctx.loaded.config,
    environment: ctx.loaded.environment,
    plan,
    resuming,
    rehearsing: false,
    skipRehearsal: opts.skipRehearsal ?? false,
  });
  return { plan, preflight };
}

/** A refusal from the resume table, with every preflight problem beside it. */
async function refuseWithPreflight(
  ctx: ReleaseContext,
  opts: ReleaseOptions,
  reason: string,
  next: string,
): Promise<ReleaseOutcome> {
  const { plan, preflight } = await planAndPreflight(ctx, opts, false);
  return {
    ...base(ctx, "refused", plan),
    preflight,
    reason: `${reason}; nothing was changed`,
    next,
  };
}

/**
 * Runs irreversible steps; a crash among them (a bug in shipgate) still ends
 * in an outcome listing what was done and the command that finishes it.
 */
async function guarded(
  ctx: ReleaseContext,
  steps: StepRecord[],
  body: () => Promise<ReleaseOutcome>,
): Promise<ReleaseOutcome> {
  try {
    return await body();
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base(ctx, "failed"),
      steps,
      crash: error,
      reason: `shipgate crashed after the release began (${message})`,
      next: rerunCommand(ctx),
    };
  }
}

/**
 * Runs the gates and, on a terminal, asks; an answer later than two minutes
 * after the gates means they run again before anything is changed.
 */
async function gatesThenConfirm(
  ctx: ReleaseContext,
  plan: Plan,
  opts: ReleaseOptions,
  steps: StepRecord[],
): Promise<
  { run: RunResult } | { status: ReleaseOutcome["status"]; run: RunResult; reason: string }
> {
  const now = opts.now ?? Date.now;
  let run = await gates(ctx.loaded, plan, opts);
  const stopped = (again: boolean) =>
    run.stopped === "interrupted"
      ? {
          status: "interrupted" as const,
          run,
          reason: "interrupted during the gates; nothing was changed",
        }
      : !run.ok
        ? {
            status: "red" as const,
            run,
            reason: `a gate is red${again ? " on the second run" : ""}; nothing was changed`,
          }
        : undefined;
  const first = stopped(false);
  if (first) return first;

  const gatesEnded = now();
  if (opts.confirm && !(await opts.confirm(steps)))
    return { status: "declined", run, reason: "not confirmed; nothing was changed" };
  if (opts.confirm && now() - gatesEnded > CONFIRM_FRESH_MS) {
    opts.onProgress?.("more than two minutes passed since the gates ran: running them again");
    run = await gates(ctx.loaded, plan, opts);
    const second = stopped(true);
    if (second) return second;
  }
  return { run };
}

function gates(loaded: Loaded, plan: Plan, opts: ReleaseOptions): Promise<RunResult> {
  return runPlan(loaded, plan, { ...opts, version: plan.version });
}
