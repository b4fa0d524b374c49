import { CommanderError } from "commander";
import { type AuditReport, auditRun } from "../../audit/audit.js";
import { check } from "../../core/check.js";
import { ExitCode, formatProblem, type Problem } from "../../errors.js";
import { lintProject } from "../../lint/lint.js";
import type { ParsedCommand } from "../../lint/runbook.js";
import { command } from "../../report/github.js";
import { handleError } from "../errors.js";
import { buildProgram } from "../main.js";
import { type CommonOptions, parseConcurrency, parseDeadline } from "../options.js";
import { openSession, runExitCode, type Session } from "../session.js";

export interface LintCommandOptions extends CommonOptions {
  audit?: boolean;
  runbook?: string;
}

/** `shipgate lint [--audit]`: exit 2 on any error, 1 when --audit met a red gate, else 0. */
export async function lintCommand(opts: LintCommandOptions): Promise<void> {
  const session = await openSession(opts);
  try {
    const lint = await lintProject({
      config: opts.config,
      runbook: opts.runbook,
      parseCommand,
    });
    const outcome: LintOutcome = { problems: [...lint.problems], notes: [...lint.notes] };

    if (opts.audit) {
      if (outcome.problems.some((p) => p.severity === "error"))
        outcome.notes.push("--audit skipped: fix the errors first");
      else await audit(opts, session, outcome);
    }
    for (const note of outcome.notes) session.output.err(`shipgate lint: ${note}\n`);
    await emit(session, outcome, opts.quiet);
    const errors = outcome.problems.filter((p) => p.severity === "error").length;
    process.exitCode = errors > 0 ? ExitCode.input : runExitCode(session, outcome.red !== true);
  } catch (error: unknown) {
    process.exitCode = handleError(error, session.output);
  } finally {
    session.dispose();
  }
}

interface LintOutcome {
  problems: Problem[];
  notes: string[];
  audit?: AuditReport;
  /** --audit ran the gates and one was red. */
  red?: boolean;
}

/** Runs the gates once for real and judges mutated responses; fatal gates become errors. */
async function audit(
  opts: LintCommandOptions,
  session: Session,
  outcome: LintOutcome,
): Promise<void> {
  const { plan, run } = await check({
    config: opts.config,
    env: opts.env,
    concurrency: parseConcurrency(opts.concurrency),
    deadlineMs: parseDeadline(opts.deadline),
    signal: session.signal,
    filter: session.shardFilter,
    redactor: session.output.redactor,
  });
  const report = auditRun(plan, run);
  outcome.audit = report;
  outcome.red = !run.ok;
  for (const gate of report.gates) {
    if (!gate.fatal) continue;
    const planned = plan.gates.find((g) => g.gate.name === gate.gate)!.gate;
    outcome.problems.push({
      file: planned.file,
      line: planned.position.line,
      column: planned.position.column,
      message: `gate "${gate.gate}" cannot fail where it matters: it stays green when ${gate.survivors.join("; when ")}`,
      severity: "error",
      code: "audit",
    });
  }
}

async function emit(session: Session, outcome: LintOutcome, quiet?: boolean): Promise<void> {
  for (const target of session.targets) {
    const text =
      target.name === "json"
        ? jsonText(outcome)
        : target.name === "github"
          ? githubText(outcome)
          : target.name === "junit"
            ? junitText(outcome)
            : humanText(outcome, quiet);
    if (target.file) await session.output.file(target.file, text);
    else session.output.out(text);
  }
}

function counts(problems: Problem[]): { errors: number; warnings: number } {
  const errors = problems.filter((p) => p.severity === "error").length;
  return { errors, warnings: problems.length - errors };
}

function humanText(outcome: LintOutcome, quiet?: boolean): string {
  const { problems } = outcome;
  const lines = [...(outcome.audit?.lines ?? [])];
  const shown = quiet ? problems.filter((p) => p.severity === "error") : problems;
  lines.push(...shown.map(formatProblem));
  const { errors, warnings } = counts(problems);
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  lines.push(
    `shipgate lint: ${count(errors, "error")}, ${count(warnings, "warning")}${errors > 0 ? "" : ": ok"}`,
  );
  return `${lines.join("\n")}\n`;
}

function jsonText(outcome: LintOutcome): string {
  const { errors, warnings } = counts(outcome.problems);
  const report = {
    command: "lint",
    ok: errors === 0 && outcome.red !== true,
    errors,
    warnings,
    problems: outcome.problems,
    notes: outcome.notes,
    audit: outcome.audit?.gates,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

function githubText(outcome: LintOutcome): string {
  const lines = outcome.problems.map((p) =>
    command(p.severity, p.path ? `${p.path}: ${p.message}` : p.message, {
      file: p.file,
      line: p.line,
      col: p.column,
      title: `shipgate lint: ${p.code}`,
    }),
  );
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

function junitText(outcome: LintOutcome): string {
  const xml = (t: string) =>
    t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const errors = outcome.problems.filter((p) => p.severity === "error");
  const cases = errors.map(
    (p) =>
      `  <testcase classname="shipgate.lint" name="${xml(`${p.file}:${p.line ?? 0}:${p.column ?? 0} ${p.code}`)}"><failure message="${xml(p.message)}">${xml(formatProblem(p))}</failure></testcase>`,
  );
  if (cases.length === 0) cases.push('  <testcase classname="shipgate.lint" name="lint"/>');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="shipgate lint" tests="${cases.length}" failures="${errors.length}">\n${cases.join("\n")}\n</testsuite>\n`;
}

/** Parses a runbook's shipgate command with the real program, running no action. */
export function parseCommand(args: string[]): ParsedCommand {
  const program = buildProgram();
  let parsed: ParsedCommand = { args: [], opts: {} };
  const silence = { writeOut: () => {}, writeErr: () => {}, outputError: () => {} };
  program.configureOutput(silence);
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput(silence);
    cmd.action((...all: unknown[]) => {
      const opts = all.at(-2) as Record<string, unknown>;
      parsed = { name: cmd.name(), args: all.slice(0, -2) as Array<string | string[]>, opts };
    });
  }
  try {
    program.parse(args, { from: "user" });
  } catch (error: unknown) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return { args: [], opts: {} };
    return { error: error.message.replace(/^error: /, "") };
  }
  return parsed;
}
