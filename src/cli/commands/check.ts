import { check } from "../../core/check.js";
import type { Report } from "../../report/report.js";
import { shipgateVersion } from "../../util/version.js";
import { handleError } from "../errors.js";
import { type CommonOptions, parseConcurrency, parseDeadline } from "../options.js";
import { emitReport, openSession, progressFor, runExitCode } from "../session.js";

/** `shipgate check [GATE...]`. */
export async function checkCommand(gates: string[], opts: CommonOptions): Promise<void> {
  const session = await openSession(opts);
  const progress = await progressFor(session, opts, "check");
  try {
    const { loaded, plan, run } = await check({
      config: opts.config,
      env: opts.env,
      gates,
      concurrency: parseConcurrency(opts.concurrency),
      deadlineMs: parseDeadline(opts.deadline),
      signal: session.signal,
      filter: session.shardFilter,
      redactor: session.output.redactor,
      onPlanned: (plan) => progress?.planned(plan),
      onGateStart: (gate) => progress?.start(gate),
      onGateEnd: (result) => progress?.end(result),
    });
    progress?.stop();
    const emptyShard = session.shardLabel !== undefined && plan.gates.length === 0;
    const ok = run.ok || emptyShard;
    const report: Report = {
      command: "check",
      shipgateVersion: shipgateVersion(),
      environment: {
        name: loaded.environment.name,
        protected: loaded.environment.protected,
        hosts: loaded.environment.hosts,
      },
      run: { ...run, ok },
      skipped: plan.skipped.map((g) => ({ name: g.name, file: g.file })),
      verdict: emptyShard
        ? `no gates in shard ${session.shardLabel}`
        : ok
          ? "all gates green"
          : run.stopped
            ? `check ${run.stopped}`
            : "check failed",
      shard: session.shardLabel,
    };
    await emitReport(session, report, { ...opts, progress });
    process.exitCode = runExitCode(session, ok);
  } catch (error: unknown) {
    process.exitCode = handleError(error, session.output);
  } finally {
    progress?.stop();
    session.dispose();
  }
}
