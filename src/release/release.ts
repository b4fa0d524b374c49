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
import { shipgateVersion } from "../util/version.js";
import { openContext, type ReleaseContext } from "./context.js";
import { tagMessage } from "./evidence.js";
import { acquireLock } from "./lock.js";
import { noRun, type ReleaseOutcome, type StepName, type StepRecord } from "./outcome.js";
import { runPreflight } from "./preflight.js";
import { decide, observe } from "./state.js";
import { createTag, deleteTag, plannedSteps, publish, pushTag, verify } from "./steps.js";
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
      case "verify":
        return finish(
          ctx,
          opts,
          withStatus(plannedSteps(ctx), ["tag", "publish", "push"], "done"),
          true,
        );
      case "push":
        return pushAndVerify(ctx, opts, withStatus(plannedSteps(ctx), ["tag", "publish"], "done"));
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

  let run = await gates(ctx.loaded, plan, opts);
  if (run.stopped === "interrupted")
    return {
      ...outcome("interrupted", run),
      reason: "interrupted during the gates; nothing was changed",
    };
  if (!run.ok) return { ...outcome("red", run), reason: "a gate is red; nothing was changed" };

  const gatesEnded = (opts.now ?? Date.now)();
  if (opts.confirm && !(await opts.confirm(steps)))
    return { ...outcome("declined", run), reason: "not confirmed; nothing was changed" };
  if (opts.confirm && (opts.now ?? Date.now)() - gatesEnded > CONFIRM_FRESH_MS) {
    opts.onProgress?.("more than two minutes passed since the gates ran: running them again");
    run = await gates(ctx.loaded, plan, opts);
    if (run.stopped === "interrupted")
      return {
        ...outcome("interrupted", run),
        reason: "interrupted during the gates; nothing was changed",
      };
    if (!run.ok)
      return {
        ...outcome("red", run),
        reason: "a gate turned red on the second run; nothing was changed",
      };
  }
  if (opts.signal?.aborted)
    return {
      ...outcome("interrupted", run),
      reason: "interrupted before the tag; nothing was changed",
    };

  const result = await irreversible(ctx, opts, run, steps, resuming);
  return { ...result, run, preflight };
}

/** A refusal from the resume table, with every preflight problem beside it. */
async function refuseWithPreflight(
  ctx: ReleaseContext,
  opts: ReleaseOptions,
  reason: string,
  next: string,
): Promise<ReleaseOutcome> {
  const plan = await planProject(ctx.loaded, { ...opts, version: ctx.version!.version });
  const preflight = await runPreflight({
    ...ctx,
    config: ctx.loaded.config,
    environment: ctx.loaded.environment,
    plan,
    resuming: false,
    rehearsing: false,
    skipRehearsal: opts.skipRehearsal ?? false,
  });
  return {
    ...base(ctx, "refused", plan),
    preflight,
    reason: `${reason}; nothing was changed`,
    next,
  };
}

function gates(loaded: Loaded, plan: Plan, opts: ReleaseOptions): Promise<RunResult> {
  return runPlan(loaded, plan, { ...opts, version: plan.version });
}

/** Tag, publish, push, verify: from here a failure is exit 3 with the way out. */
async function irreversible(
  ctx: ReleaseContext,
  opts: ReleaseOptions,
  run: RunResult,
  steps: StepRecord[],
  resuming: boolean,
): Promise<ReleaseOutcome> {
  const rerun = rerunCommand(ctx);
  const failed = (reason: string, next: string) => ({
    ...base(ctx, "failed"),
    steps,
    reason,
    next,
  });
  opts.onIrreversible?.();

  if (!resuming) {
    const message = tagMessage(
      {
        tag: ctx.tag!,
        version: ctx.version!.version,
        environment: ctx.loaded.environment,
        run,
        commit: ctx.head!,
        shipgateVersion: shipgateVersion(),
        skipRehearsal: opts.skipRehearsal ?? false,
      },
      ctx.redactor,
    );
    const tagged = await createTag(ctx, message);
    set(steps, "tag", tagged.ok ? "done" : "failed", tagged.detail);
    if (!tagged.ok) return failed(tagged.detail, `fix the cause above, then: ${rerun}`);
  }
  if (opts.signal?.aborted) return undoTag(ctx, steps, "interrupted before publishing");

  if (ctx.publish) {
    opts.onProgress?.(`publishing ${ctx.pkg?.name}@${ctx.version?.version}`);
    const onAbort = () =>
      opts.onProgress?.("interrupt received: letting npm publish finish before stopping");
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const published = await publish(ctx, opts).finally(() =>
      opts.signal?.removeEventListener("abort", onAbort),
    );
    if (!published.ok && published.landed === "no") {
      set(steps, "publish", "failed", published.detail);
      const undone = await undoTag(ctx, steps, published.detail);
      return opts.signal?.aborted ? undone : { ...undone, status: "failed" };
    }
    if (!published.ok && published.landed === "unknown") {
      set(
        steps,
        "publish",
        "failed",
        `${published.detail}; the registry could not say whether it landed`,
      );
      return failed(published.detail, `check the registry, then: ${rerun}`);
    }
    set(
      steps,
      "publish",
      "done",
      published.ok ? published.detail : `${published.detail}, but the version landed anyway`,
    );
    if (opts.signal?.aborted)
      return {
        ...base(ctx, "interrupted"),
        steps,
        reason: "interrupted during publish; npm finished and was recorded",
        next: rerun,
      };
  }
  return pushAndVerify(ctx, opts, steps);
}

async function pushAndVerify(
  ctx: ReleaseContext,
  opts: ReleaseOptions,
  steps: StepRecord[],
): Promise<ReleaseOutcome> {
  opts.onIrreversible?.();
  const pushed = await pushTag(ctx);
  set(steps, "push", pushed.ok ? "done" : "failed", pushed.detail);
  if (!pushed.ok) {
    const { remote } = ctx.loaded.config.release;
    return {
      ...base(ctx, "failed"),
      steps,
      reason: pushed.detail,
      next: `${rerunCommand(ctx)}   (or: git push ${remote} refs/tags/${ctx.tag}:refs/tags/${ctx.tag})`,
    };
  }
  if (opts.signal?.aborted)
    return {
      ...base(ctx, "interrupted"),
      steps,
      reason: "interrupted after the push; not verified",
      next: rerunCommand(ctx),
    };
  return finish(ctx, opts, steps, false);
}

async function finish(
  ctx: ReleaseContext,
  _opts: ReleaseOptions,
  steps: StepRecord[],
  already: boolean,
): Promise<ReleaseOutcome> {
  const verified = await verify(ctx);
  set(steps, "verify", verified.ok ? "done" : "failed", verified.detail);
  if (!verified.ok)
    return {
      ...base(ctx, "failed"),
      steps,
      reason: verified.detail,
      next: `wait for the registry or remote, then: ${rerunCommand(ctx)}`,
    };
  return { ...base(ctx, already ? "already-released" : "released"), steps };
}

async function undoTag(
  ctx: ReleaseContext,
  steps: StepRecord[],
  reason: string,
): Promise<ReleaseOutcome> {
  const undone = await deleteTag(ctx);
  set(steps, "tag", undone.ok ? "undone" : "failed", undone.detail);
  return undone.ok
    ? {
        ...base(ctx, "interrupted"),
        steps,
        reason: `${reason}; nothing public changed`,
        next: rerunCommand(ctx),
      }
    : {
        ...base(ctx, "failed"),
        steps,
        reason: `${reason}; ${undone.detail}`,
        next: `git tag -d ${ctx.tag}`,
      };
}

function base(ctx: ReleaseContext, status: ReleaseOutcome["status"], plan?: Plan): ReleaseOutcome {
  return {
    status,
    version: ctx.version?.version,
    tag: ctx.tag,
    environment: ctx.loaded.environment,
    run: noRun(ctx.loaded.environment.name),
    skipped: (plan?.skipped ?? []).map((g) => ({ name: g.name, file: g.file })),
    preflight: [],
    steps: plannedSteps(ctx),
  };
}

/** The command that resumes this release from whatever state it left. */
export function rerunCommand(ctx: ReleaseContext): string {
  return `shipgate release ${ctx.version?.version ?? "VERSION"} --env ${ctx.loaded.environment.name}`;
}

function set(
  steps: StepRecord[],
  step: StepName,
  status: StepRecord["status"],
  detail: string,
): void {
  const record = steps.find((s) => s.step === step);
  if (record) Object.assign(record, { status, detail });
}

function withStatus(
  steps: StepRecord[],
  names: StepName[],
  status: StepRecord["status"],
): StepRecord[] {
  for (const s of steps) if (names.includes(s.step)) s.status = status;
  return steps;
}
