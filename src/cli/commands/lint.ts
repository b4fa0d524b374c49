import { CommanderError } from "commander";
import { auditRun } from "../../audit/audit.js";
import { check } from "../../core/check.js";
import { ExitCode, formatProblem, type Problem } from "../../errors.js";
import { lintProject } from "../../lint/lint.js";
import type { ParsedCommand } from "../../lint/runbook.js";
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
    const problems = [...lint.problems];
    for (const note of lint.notes) session.output.err(`shipgate lint: ${note}\n`);

    let red = false;
    if (opts.audit) {
      if (problems.some((p) => p.severity === "error"))
        session.output.err("shipgate lint: --audit skipped: fix the errors first\n");
      else red = await audit(opts, session, problems);
    }
    printProblems(session, problems, opts.quiet);
    const errors = problems.filter((p) => p.severity === "error").length;
    process.exitCode =
      errors > 0 ? ExitCode.input : red ? runExitCode(session, false) : runExitCode(session, true);
  } catch (error: unknown) {
    process.exitCode = handleError(error, session.output);
  } finally {
    session.dispose();
  }
}

/** Runs the gates once for real and judges mutated responses; fatal gates become errors. */
async function audit(
  opts: LintCommandOptions,
  session: Session,
  problems: Problem[],
): Promise<boolean> {
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
  session.output.out(`${report.lines.join("\n")}\n`);
  for (const gate of report.gates) {
    if (!gate.fatal) continue;
    const planned = plan.gates.find((g) => g.gate.name === gate.gate)!.gate;
    problems.push({
      file: planned.file,
      line: planned.position.line,
      column: planned.position.column,
      message: `gate "${gate.gate}" cannot fail where it matters: it stays green when ${gate.survivors.join("; when ")}`,
      severity: "error",
      code: "audit",
    });
  }
  return report.gates.some((g) => g.notAudited !== undefined && !run.ok);
}

function printProblems(session: Session, problems: Problem[], quiet?: boolean): void {
  const shown = quiet ? problems.filter((p) => p.severity === "error") : problems;
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;
  if (shown.length > 0) session.output.out(`${shown.map(formatProblem).join("\n")}\n`);
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  session.output.out(
    `shipgate lint: ${count(errors, "error")}, ${count(warnings, "warning")}${errors > 0 ? "" : ": ok"}\n`,
  );
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
