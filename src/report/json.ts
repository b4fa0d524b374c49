import type { GateResult } from "../run/result.js";
import type { Report, Reporter } from "./report.js";

/** The JSON report of SPEC.md, with more detail per gate and step. */
export const jsonReporter: Reporter = {
  render(report: Report): string {
    const body = {
      ok: report.run.ok,
      command: report.command,
      verdict: report.verdict,
      environment: report.environment.name,
      hosts: report.environment.hosts,
      shipgateVersion: report.shipgateVersion,
      startedAt: report.run.startedAt,
      durationMs: report.run.durationMs,
      stopped: report.run.stopped ?? null,
      shard: report.shard ?? null,
      gates: report.run.gates.map(gateJson),
      skipped: report.skipped,
      sections:
        report.sections?.map((s) => ({ title: s.title, lines: s.lines, data: s.data })) ?? [],
    };
    return `${JSON.stringify(body, null, 2)}\n`;
  },
};

function gateJson(gate: GateResult) {
  return {
    name: gate.name,
    file: gate.file,
    line: gate.line,
    ok: gate.ok,
    host: gate.host,
    hostUrl: gate.hostUrl,
    durationMs: gate.durationMs,
    attempts: gate.attempts,
    passedOnRetry: gate.passedOnRetry,
    summary: gate.summary ?? null,
    failures: gate.failures.map((f) => ({
      kind: f.kind,
      message: f.message,
      hint: f.hint ?? null,
      excerpt: f.excerpt ?? null,
      requestId: f.requestId ?? null,
      path: f.path ?? null,
      line: f.position?.line ?? null,
      column: f.position?.column ?? null,
    })),
    warnings: gate.warnings,
    steps: gate.steps.map((s) => ({
      name: s.name ?? null,
      teardown: s.teardown,
      method: s.method,
      url: s.url,
      status: s.status ?? null,
      durationMs: s.durationMs,
      attempts: s.attempts,
      captures: s.captures,
      skipped: s.skipped ?? null,
      failures: s.failures.map((f) => ({ kind: f.kind, message: f.message })),
      assertions: s.assertions.map((a) => ({
        path: a.path,
        selected: a.selected,
        passed: a.passed,
        names: a.names,
      })),
    })),
  };
}
