import { createHash } from "node:crypto";
import path from "node:path";
import type { ChalkInstance } from "chalk";
import { configFile } from "../config/load-config.js";
import { ExitCode } from "../errors.js";
import { hasIrreversibleBegun } from "./errors.js";
import type { PlannedGate } from "../plan/plan.js";
import { humanReporter } from "../report/human.js";
import type { Report, Reporter } from "../report/report.js";
import { RunStop } from "../run/signals.js";
import { type CommonOptions, parseReporters, parseShard, type ReporterTarget } from "./options.js";
import { Output } from "./output.js";
import { afterProgress, createProgress, isLiveTerminal, type Progress } from "./progress.js";

/** What a gate-running command needs from the terminal: output, colour, reporters, signals. */
export interface Session {
  output: Output;
  chalk: ChalkInstance;
  targets: ReporterTarget[];
  signal: AbortSignal;
  /** The signal that interrupted the run, if any. */
  interruptedBy(): NodeJS.Signals | undefined;
  shardFilter?: (gates: PlannedGate[]) => PlannedGate[];
  shardLabel?: string;
  /** The folder of shipgate.yaml, which gate file paths in reports are relative to. */
  configDir: string;
  dispose(): void;
}

export async function openSession(opts: CommonOptions): Promise<Session> {
  const targets = parseReporters(opts.reporter ?? []);
  const shard = parseShard(opts.shard);
  const { Chalk } = await import("chalk");
  // No colour in CI either: CI logs are read as plain text, and grepped.
  const colour = opts.color !== false && !process.env.NO_COLOR && isLiveTerminal(process.stdout);
  const chalk = new Chalk({ level: colour ? 1 : 0 });
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  let insisted = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      // Once a tag exists, leaving mid-step would lose the record of what
      // happened: ask for a third signal before giving up on that.
      if (hasIrreversibleBegun() && insisted++ === 0) {
        process.stderr.write(
          "shipgate: finishing the step in progress so its outcome is recorded; interrupt once more to leave anyway\n",
        );
        return;
      }
      process.exit(signal === "SIGTERM" ? ExitCode.sigterm : ExitCode.sigint);
    }
    received = signal;
    controller.abort(new RunStop("interrupted"));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    output: new Output(),
    chalk,
    targets,
    signal: controller.signal,
    interruptedBy: () => received,
    shardFilter: shard
      ? (gates) => gates.filter((g) => shardOf(g.gate.name, shard.total) === shard.index)
      : undefined,
    shardLabel: shard ? `${shard.index}/${shard.total}` : undefined,
    configDir: path.dirname(configFile(opts.config)),
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/** The shard (1-based) a gate belongs to: stable for a gate's name, whatever else changes. */
export function shardOf(name: string, total: number): number {
  const digest = createHash("sha256").update(name).digest();
  return (digest.readUInt32BE(0) % total) + 1;
}

/** Writes the report with every reporter asked for, to stdout or files. */
export async function emitReport(
  session: Session,
  report: Report,
  opts: { quiet?: boolean; verbose?: boolean; progress?: Progress },
): Promise<void> {
  // Secrets go before any reporter escapes text (XML entities, GitHub's %-escapes), which
  // would hide them from the redactor; the written text is redacted once more as well.
  const clean = {
    ...session.output.redactor.redactValue(withoutObservations(report)),
    configDir: session.configDir,
  };
  for (const target of session.targets) {
    const reporter = await reporterFor(target, session, opts);
    let text = reporter.render(clean);
    if (target.name === "human" && !target.file && opts.progress && "gateLines" in reporter) {
      const shown = opts.progress.shown();
      const redact = (lines: string[] | undefined) =>
        lines?.map((l) => session.output.redactor.redact(l));
      const gates = clean.run.gates.map((g) => ({
        lines: reporter.gateLines(g),
        shown: redact(shown.get(g.name)),
      }));
      text = afterProgress(text, gates, opts.quiet ?? false);
    }
    if (target.file) await session.output.file(target.file, text);
    else session.output.out(text);
  }
}

/** The report without raw responses and judged expectations, which no reporter shows. */
function withoutObservations(report: Report): Report {
  const gates = report.run.gates.map((g) => ({
    ...g,
    steps: g.steps.map(({ observation: _, expect: __, ...step }) => step),
  }));
  return { ...report, run: { ...report.run, gates } };
}

/** True when the human report goes to stdout, so gate lines can be shown as gates end. */
export function showsProgress(session: Session): boolean {
  return session.targets.some((t) => t.name === "human" && !t.file);
}

/** A reporter for one target; the human one also hands out its per-gate lines. */
export async function reporterFor(
  target: ReporterTarget,
  session: Session,
  opts: { quiet?: boolean; verbose?: boolean },
): Promise<Reporter | ReturnType<typeof humanReporter>> {
  switch (target.name) {
    case "human":
      return humanReporter({
        chalk: target.file ? new (await import("chalk")).Chalk({ level: 0 }) : session.chalk,
        quiet: opts.quiet,
        verbose: opts.verbose,
      });
    case "json":
      return (await import("../report/json.js")).jsonReporter;
    case "junit":
      return (await import("../report/junit.js")).junitReporter;
    case "github":
      return (await import("../report/github.js")).githubReporter(session.output);
  }
}

/** The exit code of a finished gate run. */
export function runExitCode(session: Session, ok: boolean): number {
  const by = session.interruptedBy();
  if (by) return by === "SIGTERM" ? ExitCode.sigterm : ExitCode.sigint;
  return ok ? ExitCode.ok : ExitCode.red;
}

/** Gate lines as gates end, when the human report goes to stdout; live on a terminal. */
export async function progressFor(
  session: Session,
  opts: CommonOptions,
  command: string,
): Promise<Progress | undefined> {
  if (!showsProgress(session)) return undefined;
  const human = await reporterFor({ name: "human" }, session, opts);
  if (!("gateLines" in human)) return undefined;
  return createProgress({
    write: (text) => session.output.out(text),
    chalk: session.chalk,
    // --quiet prints failures only: no spinner either.
    live: isLiveTerminal(process.stdout) && !opts.quiet,
    gateLines: human.gateLines,
    quiet: opts.quiet,
    command,
    shard: session.shardLabel,
    columns: () => process.stdout.columns,
  });
}
