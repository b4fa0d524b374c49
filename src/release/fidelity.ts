import type { Config } from "../config/model.js";
import type { Plan } from "../plan/plan.js";
import type { RunResult } from "../run/run-gates.js";

// The rehearsal record (src/rehearsal) and the audit (src/audit) are built
// alongside release; they are loaded by name so that release keeps building
// and refuses clearly while either is missing.

export interface RehearsalEntry {
  gate: string;
  hash: string;
  environment: string;
  host: string;
  ok: boolean;
  at: string;
  shipgateVersion: string;
}

export interface RecordModule {
  rehearsalEntries(plan: Plan, run: RunResult, config: Config): Promise<RehearsalEntry[]>;
  pushRehearsalRecord(opts: {
    cwd: string;
    remote: string;
    entries: RehearsalEntry[];
    env?: NodeJS.ProcessEnv;
  }): Promise<{ ok: boolean; message: string }>;
  missingRehearsals(opts: {
    cwd: string;
    remote: string;
    config: Config;
    plan: Plan;
    env?: NodeJS.ProcessEnv;
  }): Promise<Array<{ gate: string; file: string; reason: string }>>;
}

export interface AuditReport {
  gates: Array<{
    gate: string;
    caught: number;
    total: number;
    survivors: string[];
    fatal: boolean;
  }>;
  lines: string[];
}

export interface AuditModule {
  auditRun(plan: Plan, run: RunResult): AuditReport;
}

const RECORD = "../rehearsal/record.js";
const AUDIT = "../audit/audit.js";

/** The rehearsal record module, or undefined when it is not part of this build. */
export async function loadRecord(): Promise<RecordModule | undefined> {
  return load<RecordModule>(RECORD, "missingRehearsals");
}

export async function loadAudit(): Promise<AuditModule | undefined> {
  return load<AuditModule>(AUDIT, "auditRun");
}

async function load<T>(specifier: string, probe: string): Promise<T | undefined> {
  try {
    const mod = (await import(specifier)) as Record<string, unknown>;
    return typeof mod[probe] === "function" ? (mod as T) : undefined;
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw error;
  }
}
