import { failureText, trustedPublishing } from "./npm.js";
import {
  both,
  type CheckOutcome,
  fail,
  inRepo,
  ok,
  type PreflightCheck,
  type PreflightContext,
  publishing,
  withVersion,
} from "./preflight-check.js";
import { distTag } from "./version.js";

/** The npm side of preflight: package, version, registry, auth, provenance, dist-tag. */
export const NPM_CHECKS: PreflightCheck[] = [
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
    appliesWhen: both(publishing, (ctx) => ctx.pkg?.name !== undefined || "no package name"),
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
];

/** Every gate that applies has a green rehearsal on this environment (protected ones only). */
export const REHEARSAL_CHECK: PreflightCheck = {
  title: "every gate has a green rehearsal here",
  appliesWhen: (ctx) => {
    if (ctx.rehearsing) return "rehearse itself needs none";
    if (!ctx.environment.protected) return `${ctx.environment.name} is not protected`;
    if (!ctx.config.release.requireRehearsal) return "release.requireRehearsal is false";
    if (ctx.skipRehearsal) return "--skip-rehearsal";
    return inRepo(ctx);
  },
  run: rehearsed,
};

async function rehearsed(ctx: PreflightContext): Promise<CheckOutcome[]> {
  const command = `shipgate rehearse --env ${ctx.environment.name}`;
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
