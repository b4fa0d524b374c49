import { createInterface } from "node:readline/promises";
import { ExitCode } from "../../errors.js";
import type { ReleaseOutcome, StepRecord } from "../../release/outcome.js";
import type { PreflightResult } from "../../release/preflight.js";
import type { Report, ReportSection } from "../../report/report.js";
import { shipgateVersion } from "../../util/version.js";
import { handleError, markIrreversible } from "../errors.js";
import { type CommonOptions, parseConcurrency, parseDeadline } from "../options.js";
import type { Progress } from "../progress.js";
import { emitReport, openSession, progressFor, type Session } from "../session.js";

export interface ReleaseFlags extends CommonOptions {
  dryRun?: boolean;
  yes?: boolean;
  skipRehearsal?: boolean;
  otp?: string;
}

/** `shipgate release VERSION`; `--dry-run` is exactly `rehearse`. */
export async function releaseCommand(version: string, opts: ReleaseFlags): Promise<void> {
  if (opts.shard !== undefined) {
    process.stderr.write("shipgate: release takes no --shard: a release runs every gate\n");
    process.exitCode = ExitCode.input;
    return;
  }
  if (opts.dryRun) return rehearseCommand(version, opts);
  await withSession(opts, "release", async (session, progress) => {
    const { release } = await import("../../release/release.js");
    const interactive = !opts.yes && !isCi() && process.stdin.isTTY === true;
    return release({
      ...common(session, opts, progress),
      version,
      skipRehearsal: opts.skipRehearsal,
      otp: opts.otp,
      confirm: interactive
        ? (steps) => {
            progress?.stop();
            return confirm(session, steps);
          }
        : undefined,
      askOtp: interactive ? () => ask(session, "npm wants a one-time password: ") : undefined,
      onIrreversible: markIrreversible,
    });
  });
}

/** `shipgate rehearse [VERSION]`. */
export async function rehearseCommand(
  version: string | undefined,
  opts: ReleaseFlags,
): Promise<void> {
  await withSession(opts, "rehearse", async (session, progress) => {
    const { rehearse } = await import("../../release/rehearse.js");
    return rehearse({ ...common(session, opts, progress), version, filter: session.shardFilter });
  });
}

function common(session: Session, opts: ReleaseFlags, progress: Progress | undefined) {
  return {
    onPlanned: progress?.planned,
    onGateStart: progress?.start,
    onGateEnd: progress?.end,
    config: opts.config,
    env: opts.env,
    concurrency: parseConcurrency(opts.concurrency),
    deadlineMs: parseDeadline(opts.deadline),
    signal: session.signal,
    redactor: session.output.redactor,
    onProgress: (line: string) => session.output.err(`shipgate: ${line}\n`),
  };
}

async function withSession(
  opts: ReleaseFlags,
  command: "release" | "rehearse",
  body: (session: Session, progress: Progress | undefined) => Promise<ReleaseOutcome>,
): Promise<void> {
  const session = await openSession({
    ...opts,
    shard: command === "rehearse" ? opts.shard : undefined,
  });
  const progress = await progressFor(session, opts, command);
  try {
    const outcome = await body(session, progress);
    progress?.stop();
    // An empty shard of a CI matrix has nothing to rehearse, which is fine.
    if (session.shardLabel && outcome.run.gates.length === 0 && outcome.status === "rehearsed")
      outcome.run.ok = true;
    if (outcome.crash !== undefined) reportCrash(session, outcome.crash);
    await emitReport(
      session,
      { ...toReport(command, outcome), shard: session.shardLabel },
      { ...opts, progress },
    );
    process.exitCode = exitCode(session, outcome);
  } catch (error: unknown) {
    process.exitCode = handleError(error, session.output);
  } finally {
    progress?.stop();
    session.dispose();
  }
}

function reportCrash(session: Session, error: unknown): void {
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  session.output.err(
    `${stack}\nshipgate: internal error: this is a bug in shipgate, please report it with the trace above\n`,
  );
}

function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

function exitCode(session: Session, outcome: ReleaseOutcome): number {
  const by = session.interruptedBy();
  // A prompt or gate cut short by Ctrl-C is an interruption, not a decline.
  if (by && ["declined", "red", "refused", "interrupted"].includes(outcome.status))
    return by === "SIGTERM" ? ExitCode.sigterm : ExitCode.sigint;
  switch (outcome.status) {
    case "released":
    case "already-released":
      return ExitCode.ok;
    case "rehearsed":
      if (outcome.preflight.some((p) => p.status === "problem")) return ExitCode.input;
      return outcome.run.ok ? ExitCode.ok : ExitCode.red;
    case "red":
      return ExitCode.red;
    case "refused":
    case "declined":
      return ExitCode.input;
    case "failed":
      return ExitCode.partial;
    case "interrupted":
      return session.interruptedBy() === "SIGTERM" ? ExitCode.sigterm : ExitCode.sigint;
  }
}

const VERDICTS: Record<ReleaseOutcome["status"], string> = {
  released: "released",
  "already-released": "already released",
  rehearsed: "rehearsed",
  refused: "release refused",
  red: "release refused",
  declined: "release declined",
  interrupted: "release interrupted",
  failed: "release failed part-way",
};

function toReport(command: "release" | "rehearse", o: ReleaseOutcome): Report {
  const verdict =
    command === "rehearse"
      ? o.status === "interrupted"
        ? "rehearsal interrupted"
        : o.preflight.some((p) => p.status === "problem")
          ? "rehearsal found preflight problems"
          : o.run.ok
            ? "rehearsal green"
            : "rehearsal red"
      : VERDICTS[o.status];
  const ok =
    o.status === "released" ||
    o.status === "already-released" ||
    (o.status === "rehearsed" && verdict === "rehearsal green");
  return {
    command,
    shipgateVersion: shipgateVersion(),
    environment: {
      name: o.environment.name,
      protected: o.environment.protected,
      hosts: o.environment.hosts,
    },
    run: { ...o.run, ok },
    skipped: o.skipped,
    verdict: o.reason ? `${verdict}: ${o.reason}` : verdict,
    sections: sections(command, o),
  };
}

function sections(command: "release" | "rehearse", o: ReleaseOutcome): ReportSection[] {
  const out: ReportSection[] = [];
  if (o.preflight.length > 0)
    out.push({ title: "preflight", lines: preflightLines(o.preflight), data: o.preflight });
  if (o.audit) out.push({ title: "audit", lines: o.audit.lines, data: o.audit.gates });
  const stepsTitle = command === "rehearse" ? "irreversible steps (not run)" : "release steps";
  out.push({ title: stepsTitle, lines: o.steps.map(stepLine), data: o.steps });
  if (o.record) out.push({ title: "rehearsal record", lines: [o.record.message], data: o.record });
  if (o.next) {
    const title = o.steps.some((s) => s.status === "done") ? "to finish" : "next";
    out.push({ title, lines: [o.next], data: { command: o.next } });
  }
  return out;
}

function preflightLines(results: PreflightResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    if (r.status === "problem") {
      lines.push(`✗ ${r.title}: ${r.message}`, `    next: ${r.next}`);
    } else if (r.status === "skipped") {
      lines.push(`- ${r.title}: skipped (${r.message})`);
    } else {
      lines.push(`✓ ${r.title}${r.message ? ` (${r.message})` : ""}`);
    }
  }
  return lines;
}

function stepLine(s: StepRecord): string {
  return `${s.status.padEnd(7)} ${s.step}: ${s.detail}`;
}

async function confirm(session: Session, steps: StepRecord[]): Promise<boolean> {
  session.output.err(
    `\nshipgate will now:\n${steps.map((s) => `  ${s.step}: ${s.detail}`).join("\n")}\n`,
  );
  const answer = await ask(session, "Go ahead? [y/N] ");
  return /^y(es)?$/i.test((answer ?? "").trim());
}

async function ask(session: Session, question: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const onAbort = () => rl.close();
  session.signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await rl.question(question, { signal: session.signal });
  } catch {
    return undefined;
  } finally {
    session.signal.removeEventListener("abort", onAbort);
    rl.close();
  }
}
