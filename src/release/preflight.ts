import type { PreflightCheck, PreflightContext, PreflightResult } from "./preflight-check.js";
import { GIT_CHECKS } from "./preflight-git.js";
import { NPM_CHECKS, REHEARSAL_CHECK } from "./preflight-npm.js";

export type { PreflightCheck, PreflightContext, PreflightResult } from "./preflight-check.js";

/** Every preflight check, in the order they are reported. */
export const PREFLIGHT_CHECKS: PreflightCheck[] = [...GIT_CHECKS, ...NPM_CHECKS, REHEARSAL_CHECK];

/** Runs every check that applies, all of them, and collects every outcome. */
export async function runPreflight(
  ctx: PreflightContext,
  checks = PREFLIGHT_CHECKS,
): Promise<PreflightResult[]> {
  const results = await Promise.all(
    checks.map(async (check): Promise<PreflightResult[]> => {
      const applies = check.appliesWhen(ctx);
      if (applies !== true) return [{ title: check.title, status: "skipped", message: applies }];
      try {
        const outcome = await check.run(ctx);
        return (Array.isArray(outcome) ? outcome : [outcome]).map((o) =>
          o.ok
            ? { title: check.title, status: "ok", message: o.detail }
            : { title: check.title, status: "problem", message: o.problem, next: o.next },
        );
      } catch (error: unknown) {
        return [
          {
            title: check.title,
            status: "problem",
            message: `the check itself failed: ${String(error)}`,
            next: "run again, and report it as a bug if it persists",
          },
        ];
      }
    }),
  );
  return results.flat();
}
