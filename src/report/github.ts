import { appendFileSync } from "node:fs";
import path from "node:path";
import type { Output } from "../cli/output.js";
import { formatDuration } from "../config/units.js";
import type { Failure } from "../judge/failure.js";
import type { GateResult } from "../run/result.js";
import type { Report, Reporter } from "./report.js";

/**
 * GitHub Actions: an `::error` workflow command per failure, placed on the
 * gate file line of the expectation that failed (the gate's first line when
 * the failure has no place), a `::warning` per gate warning, and a Markdown
 * table appended to `$GITHUB_STEP_SUMMARY` when that variable is set.
 */
export function githubReporter(output: Output, env: NodeJS.ProcessEnv = process.env): Reporter {
  return {
    render(report: Report): string {
      const summaryFile = env.GITHUB_STEP_SUMMARY;
      if (summaryFile) appendFileSync(summaryFile, output.redactor.redact(summary(report)));
      const where = (file: string) =>
        repositoryPath(path.resolve(report.configDir ?? "", file), env.GITHUB_WORKSPACE);
      const lines = report.run.gates.flatMap((g) => annotations(g, where));
      return lines.length > 0 ? `${lines.join("\n")}\n` : "";
    },
  };
}

function annotations(gate: GateResult, where: (file: string) => string): string[] {
  const lines = gate.failures.map((f) =>
    command("error", message(f), {
      file: where(gate.file),
      line: f.position?.line ?? gate.line,
      col: f.position?.column,
      title: `shipgate gate ${gate.name}: ${f.kind}`,
    }),
  );
  for (const w of gate.warnings) {
    lines.push(
      command("warning", w, {
        file: where(gate.file),
        line: gate.line,
        title: `shipgate gate ${gate.name}`,
      }),
    );
  }
  return lines;
}

/**
 * GitHub places annotations by paths from the repository root (the workspace;
 * without one, the working directory). Gate files are named from the config
 * folder, which `--config` or the action's working-directory input may move
 * below the root. A file outside the root keeps its absolute path.
 */
function repositoryPath(absolute: string, workspace: string | undefined): string {
  const relative = path.relative(workspace ?? process.cwd(), absolute);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return absolute;
  return relative.split(path.sep).join("/");
}

function message(f: Failure): string {
  const lines = [f.message];
  if (f.excerpt) lines.push(`body: ${f.excerpt}`);
  if (f.requestId) lines.push(`request id: ${f.requestId}`);
  if (f.hint) lines.push(`hint: ${f.hint}`);
  return lines.join("\n");
}

/** `::name key=value,…::message`, escaped as the runner expects. */
export function command(
  name: string,
  text: string,
  props: Record<string, string | number | undefined>,
): string {
  const list = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(",");
  return `::${name}${list ? ` ${list}` : ""}::${escapeData(text)}`;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function summary(report: Report): string {
  const gates = report.run.gates;
  const red = gates.filter((g) => !g.ok).length;
  const shard = report.shard ? ` (shard ${report.shard})` : "";
  const lines = [
    `### shipgate ${report.command} · ${cell(report.environment.name)}${shard}: ${cell(report.verdict)}`,
    "",
    `${gates.length - red} green, ${red} red${report.run.stopped ? `, stopped (${report.run.stopped})` : ""}, ${formatDuration(report.run.durationMs)}`,
    "",
    "| | gate | file | time | result |",
    "| --- | --- | --- | --- | --- |",
    ...gates.map(
      (g) =>
        `| ${g.ok ? "✅" : "❌"} | ${cell(g.name)} | ${cell(g.file)}:${g.line} | ${formatDuration(g.durationMs)} | ${cell(result(g))} |`,
    ),
    ...report.skipped.map(
      (s) =>
        `| ⏭️ | ${cell(s.name)} | ${cell(s.file)} | | not for ${cell(report.environment.name)} |`,
    ),
  ];
  for (const section of report.sections ?? []) {
    // A code block keeps the section's own markers and indentation as the terminal shows them.
    const body = section.lines.map((l) => l.replace(/`{3,}/g, "'''"));
    lines.push("", `**${cell(section.title)}**`, "", "```text", ...body, "```");
  }
  return `${lines.join("\n")}\n\n`;
}

function result(gate: GateResult): string {
  if (gate.ok) return gate.summary ?? "green";
  return gate.failures.map((f) => `${f.kind}: ${f.message}`).join("\n");
}

/** Text safe inside one Markdown table cell. */
function cell(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, "<br>");
}
