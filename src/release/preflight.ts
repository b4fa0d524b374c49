import type { Config, Environment } from "../config/model.js";
import type { Plan } from "../plan/plan.js";
import type { RecordModule } from "./fidelity.js";
import { describeFailure, type Git } from "./git.js";
import { failureText, type Npm, type PackageInfo, trustedPublishing } from "./npm.js";
import { distTag, type ReleaseVersion } from "./version.js";

/** What every preflight check may read. Nothing here changes anything. */
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
  record?: RecordModule;
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

const ok = (detail?: string): CheckOutcome => ({ ok: true, detail });
const fail = (problem: string, next: string): CheckOutcome => ({ ok: false, problem, next });

const inRepo = (ctx: PreflightContext) => ctx.inRepo || "not a git repository";
const withVersion = (ctx: PreflightContext) =>
  ctx.version === undefined ? "needs VERSION" : inRepo(ctx);
const publishing = (ctx: PreflightContext) =>
  ctx.config.release.publish === "npm" || "release.publish is none";
const both =
  (...conds: Array<(ctx: PreflightContext) => true | string>) =>
  (ctx: PreflightContext): true | string => {
    for (const c of conds) {
      const r = c(ctx);
      if (r !== true) return r;
    }
    return true;
  };

/** Every preflight check, in the order they are reported. */
export const PREFLIGHT_CHECKS: PreflightCheck[] = [
  {
    title: "inside a git repository",
    appliesWhen: () => true,
    run: async (ctx) =>
      ctx.inRepo
        ? ok()
        : fail(
            `${ctx.git.cwd} is not inside a git repository`,
            "run shipgate from the repository to release",
          ),
  },
  {
    title: "git has a committer identity",
    appliesWhen: inRepo,
    run: async (ctx) => {
      const r = await ctx.git.run(["var", "GIT_COMMITTER_IDENT"]);
      return r.exitCode === 0
        ? ok()
        : fail(
            "git has no committer identity for the tag",
            'git config user.name "…" && git config user.email "…"',
          );
    },
  },
  {
    title: "working tree is clean",
    appliesWhen: inRepo,
    run: async (ctx) => {
      const r = await ctx.git.run(["status", "--porcelain", "--untracked-files=normal"]);
      if (r.exitCode !== 0) return fail(describeFailure(r), "fix the repository, then run again");
      const files = r.stdout.split("\n").filter((l) => l.trim() !== "");
      if (files.length === 0) return ok();
      const shown = files
        .slice(0, 5)
        .map((l) => l.slice(3))
        .join(", ");
      return fail(
        `the working tree has ${files.length} uncommitted or untracked file${files.length === 1 ? "" : "s"} (${shown}${files.length > 5 ? ", …" : ""})`,
        "commit or stash them (untracked files too: git stash -u)",
      );
    },
  },
  {
    title: "on the release branch",
    appliesWhen: inRepo,
    run: async (ctx) => {
      const branch = await ctx.git.branch();
      const want = ctx.config.release.branch;
      return branch === want
        ? ok(branch)
        : fail(
            `on ${branch ?? "a detached HEAD"}, but releases are made from ${want} (release.branch)`,
            `git switch ${want}`,
          );
    },
  },
  {
    title: "HEAD is the remote branch",
    appliesWhen: inRepo,
    run: headOnRemote,
  },
  {
    title: "tag is free locally",
    appliesWhen: both(
      withVersion,
      (ctx) => !ctx.resuming || "the tag is this release's, made earlier",
    ),
    run: async (ctx) => {
      const at = await ctx.git.localTag(ctx.tag!);
      return at === undefined
        ? ok()
        : fail(
            `tag ${ctx.tag} already exists locally at ${at.slice(0, 12)}`,
            `choose another version, or delete the tag: git tag -d ${ctx.tag}`,
          );
    },
  },
  {
    title: "tag is free on the remote",
    appliesWhen: withVersion,
    run: async (ctx) => {
      const at = await ctx.git.remoteTag(ctx.config.release.remote, ctx.tag!);
      if (at === undefined)
        return fail(
          `cannot list the tags of ${ctx.config.release.remote}`,
          "check the remote and your access to it",
        );
      return at === null
        ? ok()
        : fail(
            `tag ${ctx.tag} already exists on ${ctx.config.release.remote} at ${at.slice(0, 12)}`,
            "choose another version",
          );
    },
  },
  {
    title: "permission to push the tag",
    appliesWhen: withVersion,
    run: async (ctx) => {
      const r = await ctx.git.pushTag(ctx.config.release.remote, ctx.tag!, true);
      return r.exitCode === 0
        ? ok()
        : fail(
            `a dry-run push of the tag was refused: ${describeFailure(r)}`,
            `check your access to ${ctx.config.release.remote}`,
          );
    },
  },
  {
    title: "package.json can be published",
    appliesWhen: publishing,
    run: async (ctx) => {
      if (!ctx.pkg?.name)
        return fail(
          "package.json is missing or has no name",
          "add package.json, or set release.publish: none",
        );
      if (ctx.pkg.private)
        return fail(
          `${ctx.pkg.name} is private: npm will not publish it`,
          'remove "private": true, or set release.publish: none',
        );
      return ok(ctx.pkg.name);
    },
  },
  {
    title: "package.json version is VERSION",
    appliesWhen: both(withVersion, publishing),
    run: async (ctx) =>
      ctx.pkg?.version === ctx.version!.version
        ? ok()
        : fail(
            `package.json says ${ctx.pkg?.version ?? "no version"}, but the release is ${ctx.version!.version}`,
            `npm version ${ctx.version!.version} --no-git-tag-version, commit and push it`,
          ),
  },
  {
    title: "VERSION is not on the registry yet",
    appliesWhen: both(
      withVersion,
      publishing,
      (ctx) => ctx.pkg?.name !== undefined || "no package name",
    ),
    run: async (ctx) => {
      const found = await ctx.npm.published(ctx.pkg!.name!, ctx.version!.version, ctx.registry!);
      if (found.state === "no") return ok(ctx.registry);
      if (found.state === "yes")
        return fail(
          `${ctx.pkg!.name}@${ctx.version!.version} is already on ${ctx.registry}`,
          "choose the next version",
        );
      return fail(
        `cannot ask ${ctx.registry} about ${ctx.pkg!.name}: ${found.detail}`,
        "check the registry and your network",
      );
    },
  },
  {
    title: "npm is logged in",
    appliesWhen: publishing,
    run: async (ctx) => {
      const r = await ctx.npm.whoami(ctx.registry!);
      if (r.exitCode === 0) return ok(r.stdout.trim());
      const oidc = trustedPublishing(ctx.env);
      if (oidc) return ok(`trusted publishing (${oidc})`);
      return fail(
        `npm whoami failed for ${ctx.registry}: ${failureText(r)}`,
        `npm login --registry ${ctx.registry}`,
      );
    },
  },
  {
    title: "provenance is supported here",
    appliesWhen: both(
      publishing,
      (ctx) => ctx.config.release.npm.provenance || "provenance is off",
    ),
    run: async (ctx) =>
      trustedPublishing(ctx.env)
        ? ok()
        : fail(
            "release.npm.provenance needs a CI with an identity token (GitHub Actions with id-token: write, or GitLab CI)",
            "release from CI, or set release.npm.provenance: false",
          ),
  },
  {
    title: "the dist-tag fits the version",
    appliesWhen: both(withVersion, publishing),
    run: async (ctx) => {
      const v = ctx.version!;
      const tag = distTag(v, ctx.config.release.npm.tag);
      if (v.prerelease.length === 0) return ok(tag);
      if (tag === undefined)
        return fail(
          `prerelease ${v.version} has no dist-tag (its id "${v.prerelease[0]}" cannot be one)`,
          "set release.npm.tag, such as next or rc",
        );
      if (tag === "latest")
        return fail(
          `prerelease ${v.version} would be published as latest`,
          "set release.npm.tag to next, beta or rc",
        );
      return ok(tag);
    },
  },
  {
    title: "every gate has a green rehearsal here",
    appliesWhen: (ctx) => {
      if (ctx.rehearsing) return "rehearse itself needs none";
      if (!ctx.environment.protected) return `${ctx.environment.name} is not protected`;
      if (!ctx.config.release.requireRehearsal) return "release.requireRehearsal is false";
      if (ctx.skipRehearsal) return "--skip-rehearsal";
      return inRepo(ctx);
    },
    run: rehearsed,
  },
];

async function headOnRemote(ctx: PreflightContext): Promise<CheckOutcome> {
  const { remote, branch } = ctx.config.release;
  const r = await ctx.git.lsRemote(remote, [`refs/heads/${branch}`]);
  if (r.exitCode !== 0)
    return fail(
      `cannot reach ${remote}: ${describeFailure(r)}`,
      `check the remote ${remote} and your access to it`,
    );
  const there = r.refs.get(`refs/heads/${branch}`);
  if (!there) return fail(`${remote} has no branch ${branch}`, `git push ${remote} ${branch}`);
  if (there === ctx.head) return ok(there.slice(0, 12));
  const known = await ctx.git.run(["merge-base", "--is-ancestor", there, "HEAD"]);
  if (known.exitCode === 0)
    return fail(
      `HEAD is ahead of ${remote}/${branch}: the tag must point at a pushed commit`,
      `git push ${remote} ${branch}`,
    );
  return fail(
    `HEAD is behind or diverged from ${remote}/${branch} (${there.slice(0, 12)})`,
    `git pull --ff-only ${remote} ${branch}`,
  );
}

async function rehearsed(ctx: PreflightContext): Promise<CheckOutcome[]> {
  const command = `shipgate rehearse --env ${ctx.environment.name}`;
  if (!ctx.record)
    return [
      fail(
        "the rehearsal record is not available in this build of shipgate",
        `${command}, or --skip-rehearsal`,
      ),
    ];
  const missing = await ctx.record.missingRehearsals({
    cwd: ctx.git.cwd,
    remote: ctx.config.release.remote,
    config: ctx.config,
    plan: ctx.plan,
    env: ctx.git.env,
  });
  if (missing.length === 0) return [ok()];
  return missing.map((m) =>
    fail(
      `gate ${m.gate} (${m.file}) has no green rehearsal on ${ctx.environment.name}: ${m.reason}`,
      command,
    ),
  );
}

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
