import type { Plan } from "../plan/plan.js";
import type { RunResult } from "../run/run-gates.js";
import { shipgateVersion } from "../util/version.js";
import type { ReleaseContext } from "./context.js";
import { tagMessage } from "./evidence.js";
import { noRun, type ReleaseOutcome, type StepName, type StepRecord } from "./outcome.js";
import type { ReleaseOptions } from "./release.js";
import { createTag, deleteTag, plannedSteps, publish, pushTag, verify } from "./steps.js";

/** Tag, publish, push, verify: from here a failure is exit 3 with the way out. */
export async function irreversible(
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

export async function pushAndVerify(
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

export async function finish(
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

export function base(
  ctx: ReleaseContext,
  status: ReleaseOutcome["status"],
  plan?: Plan,
): ReleaseOutcome {
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

export function withStatus(
  steps: StepRecord[],
  names: StepName[],
  status: StepRecord["status"],
): StepRecord[] {
  for (const s of steps) if (names.includes(s.step)) s.status = status;
  return steps;
}
