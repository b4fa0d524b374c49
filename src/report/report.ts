import type { RunResult } from "../run/run-gates.js";

/** Everything a reporter may show about one run. Secrets are removed by the writer, not here. */
export interface Report {
  command: "check" | "rehearse" | "release" | "lint";
  shipgateVersion: string;
  environment: { name: string; protected: boolean; hosts: Record<string, string> };
  run: RunResult;
  /** Gates that do not apply to this environment. */
  skipped: Array<{ name: string; file: string }>;
  /** One line for a person: `all gates green`, `release refused`. */
  verdict: string;
  /** Extra sections from release and rehearse (steps done, commands not run). */
  sections?: ReportSection[];
  /** Shard as `I/N`, when the run was one. */
  shard?: string;
  /** The absolute folder of shipgate.yaml: gate file paths are relative to it. */
  configDir?: string;
}

export interface ReportSection {
  title: string;
  lines: string[];
  data?: unknown;
}

export interface Reporter {
  /** The report as text, written when the run ends (also on red and on deadline). */
  render(report: Report): string;
}
