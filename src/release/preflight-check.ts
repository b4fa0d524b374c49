import type { Config, Environment } from "../config/model.js";
import type { Plan } from "../plan/plan.js";
import type { RecordModule } from "./fidelity.js";
import type { Git } from "./git.js";
import type { Npm, PackageInfo } from "./npm.js";
import type { ReleaseVersion } from "./version.js";

export interface PreflightContext {
  git: Git;
  npm: Npm;
  config: Config;
  environment: Environment;
  plan: Plan;
  /** Undefined for a rehearsal without VERSION: version-specific checks are skipped. */
  version?: ReleaseVersion;
  tag?: string;
  /** The tag already exists locally at HEAD: a resumed release. */
  resuming: boolean;
  /** Running as `rehearse`: the rehearsal requirement does not apply. */
  rehearsing: boolean;
  skipRehearsal: boolean;
  inRepo: boolean;
  head?: string;
  pkg?: PackageInfo;
  registry?: string;
  record: RecordModule;
  env: NodeJS.ProcessEnv;
}

export type CheckOutcome =
  | { ok: true; detail?: string }
  | { ok: false; problem: string; next: string };

/** One read-only check: a title, when it applies (true, or why not), and its body. */
export interface PreflightCheck {
  title: string;
  appliesWhen(ctx: PreflightContext): true | string;
  /** One outcome, or one per thing found (each missing rehearsal is its own problem). */
  run(ctx: PreflightContext): Promise<CheckOutcome | CheckOutcome[]>;
}

export interface PreflightResult {
  title: string;
  status: "ok" | "problem" | "skipped";
  /** The detail, the problem, or why it was skipped. */
  message?: string;
  next?: string;
}

export const ok = (detail?: string): CheckOutcome => ({ ok: true, detail });
export const fail = (problem: string, next: string): CheckOutcome => ({ ok: false, problem, next });

export const inRepo = (ctx: PreflightContext) => ctx.inRepo || "not a git repository";
export const withVersion = (ctx: PreflightContext) =>
  ctx.version === undefined ? "needs VERSION" : inRepo(ctx);
export const publishing = (ctx: PreflightContext) =>
  ctx.config.release.publish === "npm" || "release.publish is none";
export const both =
  (...conds: Array<(ctx: PreflightContext) => true | string>) =>
  (ctx: PreflightContext): true | string => {
    for (const c of conds) {
      const r = c(ctx);
      if (r !== true) return r;
    }
    return true;
  };
