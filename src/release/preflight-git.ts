import { describeFailure } from "./git.js";
import {
  both,
  type CheckOutcome,
  fail,
  inRepo,
  ok,
  type PreflightCheck,
  type PreflightContext,
  withVersion,
} from "./preflight-check.js";
import { SIGNING_CHECK } from "./preflight-signing.js";

/** The git side of preflight: repository, identity, tree, branch, remote, tag, permission. */
export const GIT_CHECKS: PreflightCheck[] = [
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
  SIGNING_CHECK,
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
