import type { ChalkInstance } from "chalk";
import { formatDuration } from "../config/units.js";
import type { Failure } from "../judge/failure.js";
import type { GateResult, StepResult } from "../run/result.js";
import type { Report, Reporter } from "./report.js";

export interface HumanOptions {
  chalk: ChalkInstance;
  /** Only failures (and the closing line). */
  quiet?: boolean;
  /** Every step, attempt and capture. */
  verbose?: boolean;
}

/** The terminal report: one line per gate, failures indented beneath. */
export function humanReporter(
  opts: HumanOptions,
): Reporter & { gateLines(gate: GateResult): string[] } {
  const c = opts.chalk;
  const gateLines = (gate: GateResult): string[] => {
    if (opts.quiet && gate.ok) return [];
    const lines = [headline(gate, c)];
    for (const f of gate.failures) lines.push(...failureLines(f, gate, c));
    for (const w of gate.warnings) lines.push(`    ${c.yellow("warning:")} ${w}`);
    if (opts.verbose || (gate.steps.length > 1 && !gate.ok)) {
      for (const step of gate.steps) lines.push(...stepLines(step, c, opts.verbose ?? false));
    }
    return lines;
  };
  return {
    gateLines,
    render(report: Report): string {
      const out: string[] = [];
      const hosts = Object.entries(report.environment.hosts)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ");
      if (!opts.quiet)
        out.push(
          c.bold(`shipgate ${report.command} · ${report.environment.name}`) +
            c.dim(`  ${hosts}${report.shard ? `  shard ${report.shard}` : ""}`),
          "",
        );
      for (const gate of report.run.gates) out.push(...gateLines(gate));
      if (!opts.quiet && report.skipped.length > 0) {
        out.push(
          c.dim(
            `  skipped (not for ${report.environment.name}): ${report.skipped.map((s) => s.name).join(", ")}`,
          ),
        );
      }
      for (const section of report.sections ?? []) {
        out.push("", c.bold(section.title), ...section.lines.map((l) => `  ${l}`));
      }
      out.push("", closing(report, c));
      return `${out.join("\n")}\n`;
    },
  };
}

function headline(gate: GateResult, c: ChalkInstance): string {
  const mark = gate.ok ? c.green("✓") : c.red("✗");
  const step =
    gate.steps.find((s) => !s.teardown && s.failures.length > 0) ??
    gate.steps.find((s) => !s.teardown);
  const request = step ? `${step.method} ${pathOf(step.url)}` : "";
  const status = step?.status !== undefined ? ` → ${step.status}` : "";
  const parts = [
    `${mark} ${c.bold(gate.name)}`,
    c.dim(`${gate.host} ${request}${status}`),
    formatDuration(gate.durationMs),
  ];
  if (gate.summary) parts.push(gate.ok ? gate.summary : c.red(gate.summary));
  if (gate.steps.filter((s) => !s.teardown).length > 1)
    parts.push(c.dim(`${gate.steps.filter((s) => !s.teardown).length} steps`));
  if (gate.passedOnRetry) parts.push(c.yellow(`passed on attempt ${gate.attempts}`));
  return `  ${parts.join("  ")}`;
}

function failureLines(f: Failure, gate: GateResult, c: ChalkInstance): string[] {
  const lines = [`    ${c.red(f.kind)}: ${f.message}`];
  if (f.excerpt) lines.push(`      ${c.dim("body:")} ${f.excerpt}`);
  if (f.requestId) lines.push(`      ${c.dim("request id:")} ${f.requestId}`);
  if (f.hint) lines.push(`      ${c.cyan("hint:")} ${f.hint}`);
  if (f.position)
    lines.push(`      ${c.dim(`at ${gate.file}:${f.position.line}:${f.position.column}`)}`);
  return lines;
}

function stepLines(step: StepResult, c: ChalkInstance, verbose: boolean): string[] {
  const label = `${step.teardown ? "teardown" : "step"} ${step.index + 1}${step.name ? ` ${step.name}` : ""}`;
  if (step.skipped) return [`      ${c.dim(`${label}: skipped (${step.skipped})`)}`];
  const mark =
    step.failures.length === 0 ? c.green("ok") : step.teardown ? c.yellow("failed") : c.red("red");
  const status = step.status !== undefined ? ` → ${step.status}` : "";
  const lines = [
    `      ${label}: ${step.method} ${pathOf(step.url)}${status} ${formatDuration(step.durationMs)} ${mark}`,
  ];
  if (step.attempts.length > 1 || verbose) {
    for (const a of step.attempts)
      lines.push(
        c.dim(
          `        attempt ${a.attempt}: ${a.status ?? a.failure ?? "?"} in ${formatDuration(a.durationMs)}`,
        ),
      );
  }
  for (const cap of step.captures)
    lines.push(c.dim(`        captured ${cap.name} = ${JSON.stringify(cap.value)}`));
  if (verbose && step.teardown)
    for (const f of step.failures)
      lines.push(`        ${f.kind}: ${f.message}${f.excerpt ? ` (${f.excerpt})` : ""}`);
  return lines;
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

function closing(report: Report, c: ChalkInstance): string {
  const gates = report.run.gates;
  const red = gates.filter((g) => !g.ok).length;
  const counts = `${gates.length} gate${gates.length === 1 ? "" : "s"}: ${gates.length - red} green, ${red} red`;
  const stopped = report.run.stopped ? `, stopped (${report.run.stopped})` : "";
  const text = `${counts}${stopped} · ${report.verdict} · ${formatDuration(report.run.durationMs)}`;
  return report.run.ok ? c.green(text) : c.red(text);
}
