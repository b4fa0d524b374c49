// The rehearsal record and the audit, loaded only by the commands that use
// them, so `check` never pays for their imports.
export type { AuditReport } from "../audit/audit.js";
export type { RehearsalEntry } from "../rehearsal/record.js";

export type RecordModule = typeof import("../rehearsal/record.js");
export type AuditModule = typeof import("../audit/audit.js");

export function loadRecord(): Promise<RecordModule> {
  return import("../rehearsal/record.js");
}

export function loadAudit(): Promise<AuditModule> {
  return import("../audit/audit.js");
}
