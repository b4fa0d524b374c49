import { type CheckOptions, loadProject, planProject, runPlan } from "../core/check.js";
import type { Plan } from "../plan/plan.js";
import type { RunResult } from "../run/run-gates.js";
import { openContext } from "./context.js";
import { type AuditReport, loadAudit } from "./fidelity.js";
import type { ReleaseOutcome } from "./outcome.js";
import { runPreflight } from "./preflight.js";
import type { ReleaseOptions } from "./release.js";
import { plannedSteps } from "./steps.js";
import { parseVersion } from "./version.js";

export interface RehearseOptions
  extends Omit<ReleaseOptions, "version" | "confirm" | "otp" | "askOtp"> {
  version?: string;
  /** Picks a subset of the planned gates, such as one shard of a CI matrix. */
  filter?: CheckOptions["filter"];
}

/**
 * `shipgate rehearse [VERSION]` (and `release --dry-run`): preflight and
 * gates for real, the audit, each irreversible step shown and not run.
 * Pushing the rehearsal record is the only change it makes.
 */
export async function rehearse(opts: RehearseOptions): Promise<ReleaseOutcome> {
  const version = opts.version === undefined ? undefined : parseVersion(opts.version);
  const loaded = await loadProject(opts);
  const ctx = await openContext(loaded, { version, redactor: opts.redactor, env: opts.processEnv });
  const plan = await planProject(loaded, { ...opts, version: version?.version });
  const preflight = await runPreflight({
    ...ctx,
    config: loaded.config,
    environment: loaded.environment,
    plan,
    resuming: false,
    rehearsing: true,
    skipRehearsal: false,
  });
  opts.onPlanned?.(plan);
  const outcome: ReleaseOutcome = {
    status: "rehearsed",
    version: version?.version,
    tag: ctx.tag,
    environment: loaded.environment,
    run: await runPlan(loaded, plan, { ...opts, version: plan.version }),
    skipped: plan.skipped.map((g) => ({ name: g.name, file: g.file })),
    preflight,
    steps: plannedSteps(ctx),
  };
  if (outcome.run.stopped === "interrupted")
    return {
      ...outcome,
      status: "interrupted",
      reason: "interrupted during the gates; nothing was recorded",
    };

  outcome.audit = await audit(plan, outcome.run);
  outcome.record = await record(ctx, plan, outcome.run);
  return outcome;
}

/** Marks each gate the audit finds unable to fail as red, kind `audit`. */
async function audit(plan: Plan, run: RunResult): Promise<AuditReport> {
  const report = (await loadAudit()).auditRun(plan, run);
  for (const finding of report.gates.filter((g) => g.fatal)) {
    const gate = run.gates.find((g) => g.name === finding.gate);
    if (!gate) continue;
    gate.ok = false;
    gate.failures.push({
      kind: "audit",
      message: `this gate stays green on ${finding.survivors.join(", ")} (caught ${finding.caught} of ${finding.total} mutations)`,
      hint: "add an assertion that fails on these responses (status, contentType, a count)",
    });
  }
  run.ok = run.gates.length > 0 && run.gates.every((g) => g.ok) && !run.stopped;
  return report;
}

async function record(
  ctx: Awaited<ReturnType<typeof openContext>>,
  plan: Plan,
  run: RunResult,
): Promise<{ ok: boolean; message: string }> {
  if (!ctx.inRepo) return { ok: false, message: "not recorded: not a git repository" };
  if (run.gates.length === 0) return { ok: true, message: "nothing to record: no gates ran" };
  const entries = await ctx.record.rehearsalEntries(plan, run, ctx.loaded.config);
  return ctx.record.pushRehearsalRecord({
    cwd: ctx.git.cwd,
    remote: ctx.loaded.config.release.remote,
    entries,
    env: ctx.git.env,
  });
}
