import os from "node:os";
import type { Failure } from "../judge/failure.js";
import type { GateResult } from "../run/result.js";
import type { Report, Reporter } from "./report.js";

/**
 * JUnit XML as GitLab, Jenkins and most CI test views read it: one
 * `<testsuite>` per run, one `<testcase>` per gate (classname is the gate
 * file), the first failure's kind as the failure type and every failure's
 * diagnosis as its text. Gates that do not apply to the environment are
 * `<skipped/>` test cases.
 */
export const junitReporter: Reporter = {
  render(report: Report): string {
    const gates = report.run.gates;
    const failed = gates.filter((g) => !g.ok).length;
    const suite = {
      name: `shipgate ${report.command} ${report.environment.name}${report.shard ? ` shard ${report.shard}` : ""}`,
      tests: gates.length + report.skipped.length,
      failures: failed,
      errors: 0,
      skipped: report.skipped.length,
      time: seconds(report.run.durationMs),
    };
    const lines = [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<testsuites ${attrs({ name: "shipgate", tests: suite.tests, failures: suite.failures, errors: 0, skipped: suite.skipped, time: suite.time })}>`,
      `  <testsuite ${attrs({ ...suite, timestamp: timestamp(report.run.startedAt), hostname: os.hostname() })}>`,
      "    <properties>",
      ...properties(report).map(([name, value]) => `      <property ${attrs({ name, value })}/>`),
      "    </properties>",
      ...gates.flatMap(testcase),
      ...report.skipped.map(
        (s) =>
          `    <testcase ${attrs({ name: s.name, classname: s.file, time: "0" })}>\n` +
          `      <skipped ${attrs({ message: `not for environment ${report.environment.name}` })}/>\n` +
          "    </testcase>",
      ),
      `    <system-out>${text(systemOut(report))}</system-out>`,
      "  </testsuite>",
      "</testsuites>",
    ];
    return `${lines.join("\n")}\n`;
  },
};

function testcase(gate: GateResult): string[] {
  const line = gate.failures.find((f) => f.position)?.position?.line ?? gate.line;
  const head = `    <testcase ${attrs({ name: gate.name, classname: gate.file, time: seconds(gate.durationMs), file: gate.file, line })}`;
  const warnings = gate.warnings.length > 0 ? gate.warnings.map((w) => `warning: ${w}`) : [];
  if (gate.ok && warnings.length === 0) return [`${head}/>`];
  const lines = [`${head}>`];
  const first = gate.failures[0];
  if (!gate.ok) {
    const message = first ? `${first.kind}: ${first.message}` : "red";
    const body = gate.failures.map((f) => diagnosis(f, gate)).join("\n\n");
    lines.push(
      `      <failure ${attrs({ type: first?.kind ?? "red", message })}>${text(body)}</failure>`,
    );
  }
  if (warnings.length > 0)
    lines.push(`      <system-err>${text(warnings.join("\n"))}</system-err>`);
  lines.push("    </testcase>");
  return lines;
}

/** One failure as a release engineer reads it: what, the body, the request id, what to do, where. */
function diagnosis(f: Failure, gate: GateResult): string {
  const lines = [`${f.kind}: ${f.message}`];
  if (f.excerpt) lines.push(`body: ${f.excerpt}`);
  if (f.requestId) lines.push(`request id: ${f.requestId}`);
  if (f.hint) lines.push(`hint: ${f.hint}`);
  const line = f.position?.line ?? gate.line;
  const column = f.position?.column;
  lines.push(`at ${gate.file}:${line}${column !== undefined ? `:${column}` : ""}`);
  return lines.join("\n");
}

/** The verdict, then each section a release or rehearsal adds (preflight, steps not run). */
function systemOut(report: Report): string {
  const lines = [
    `${report.verdict}${report.run.stopped ? ` (stopped: ${report.run.stopped})` : ""}`,
  ];
  for (const section of report.sections ?? []) {
    lines.push("", section.title, ...section.lines.map((l) => `  ${l}`));
  }
  return lines.join("\n");
}

function properties(report: Report): Array<[string, string]> {
  const props: Array<[string, string]> = [
    ["command", report.command],
    ["environment", report.environment.name],
    ["shipgate.version", report.shipgateVersion],
  ];
  for (const [key, url] of Object.entries(report.environment.hosts))
    props.push([`host.${key}`, url]);
  if (report.shard) props.push(["shard", report.shard]);
  return props;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** xs:dateTime without fractions or zone, the form the common schema's pattern allows. */
function timestamp(iso: string): string {
  return iso.replace(/\.\d+/, "").replace(/Z$/, "");
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}="${text(String(v)).replace(/"/g, "&quot;").replace(/\n/g, "&#10;")}"`)
    .join(" ");
}

/** Escapes markup and drops the characters XML 1.0 cannot carry at all. */
function text(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}
