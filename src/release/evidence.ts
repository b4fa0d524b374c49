import type { Environment } from "../config/model.js";
import type { RunResult } from "../run/run-gates.js";
import type { Redactor } from "../template/redact.js";

export interface EvidenceInput {
  tag: string;
  version: string;
  environment: Environment;
  run: RunResult;
  commit: string;
  shipgateVersion: string;
  skipRehearsal: boolean;
  at?: Date;
}

/**
 * The annotated tag's message: what was checked, where, when, by which
 * shipgate, at which commit. Passed through the run's redactor, so no
 * secret can reach it.
 */
export function tagMessage(input: EvidenceInput, redactor: Redactor): string {
  const { environment, run } = input;
  const green = run.gates.filter((g) => g.ok).length;
  const lines = [
    `Release ${input.version}`,
    "",
    `Gate evidence recorded by shipgate ${input.shipgateVersion}:`,
    `environment: ${environment.name}${environment.protected ? " (protected)" : ""}`,
    "hosts:",
    ...Object.entries(environment.hosts).map(([key, url]) => `  ${key}: ${url}`),
    `commit: ${input.commit}`,
    `gates run at: ${run.startedAt} (${run.durationMs} ms)`,
    `tagged at: ${(input.at ?? new Date()).toISOString()}`,
    `gates: ${green} of ${run.gates.length} green`,
    ...run.gates.map(
      (g) =>
        `  ${g.ok ? "green" : "red"}  ${g.name}  (${g.file}, ${g.host}, ${g.durationMs} ms${g.summary ? `, ${g.summary}` : ""})`,
    ),
  ];
  if (input.skipRehearsal) lines.push("rehearsal: not checked (--skip-rehearsal)");
  return `${redactor.redact(lines.join("\n"))}\n`;
}
