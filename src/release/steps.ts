import { setTimeout as sleep } from "node:timers/promises";
import type { ReleaseContext } from "./context.js";
import { describeFailure } from "./git.js";
import { failureText, needsOtp } from "./npm.js";
import type { StepRecord } from "./outcome.js";
import { tagName } from "./version.js";

/** How each irreversible step would run: the exact command, ref and commit. */
export function plannedSteps(ctx: ReleaseContext): StepRecord[] {
  const { remote } = ctx.loaded.config.release;
  const tag = ctx.tag ?? tagName(ctx.loaded.config.release.tag, "<VERSION>");
  const commit = ctx.head ?? "HEAD";
  const steps: StepRecord[] = [
    {
      step: "tag",
      status: "not run",
      detail: `git tag -a ${tag} ${commit} (annotated, with the gate evidence)`,
    },
  ];
  if (ctx.publish) {
    const { access, provenance } = ctx.loaded.config.release.npm;
    const args = [`--tag ${ctx.distTag ?? "?"}`];
    if (access) args.push(`--access ${access}`);
    if (provenance) args.push("--provenance");
    steps.push({
      step: "publish",
      status: "not run",
      detail: `npm publish ${args.join(" ")}: ${ctx.pkg?.name ?? "?"}@${ctx.version?.version ?? "VERSION"} to ${ctx.registry ?? "?"}`,
    });
  }
  steps.push(
    {
      step: "push",
      status: "not run",
      detail: `git push ${remote} refs/tags/${tag}:refs/tags/${tag}`,
    },
    {
      step: "verify",
      status: "not run",
      detail: `${remote} has refs/tags/${tag} at ${commit}${ctx.publish ? "; the registry serves the version" : ""}`,
    },
  );
  return steps;
}

export type StepRun = { ok: true; detail: string } | { ok: false; detail: string };

export async function createTag(ctx: ReleaseContext, message: string): Promise<StepRun> {
  // Signed when git is configured to sign tags (tag.gpgSign).
  const sign = await ctx.git.signsTags();
  const r = await ctx.git.createTag(ctx.tag!, ctx.head!, message, sign);
  if (r.exitCode !== 0)
    return { ok: false, detail: `could not create the tag: ${describeFailure(r)}` };
  if (!(await ctx.git.isAnnotated(ctx.tag!)))
    return { ok: false, detail: `tag ${ctx.tag} is not annotated` };
  if (sign) {
    const unsigned = await unsignedTag(ctx, r.stderr);
    if (unsigned) return unsigned;
  }
  return { ok: true, detail: `tag ${ctx.tag} at ${ctx.head} (local)` };
}

const SIGNATURE =
  /-----BEGIN (PGP|SSH) SIGNATURE-----\n[\s\S]+\n-----END \1 SIGNATURE-----\s*$|-----BEGIN SIGNED MESSAGE-----\n[\s\S]+\n-----END SIGNED MESSAGE-----\s*$/;

/**
 * A tag git was told to sign must end in a signature. git 2.39 with SSH
 * signing and a missing key prints ssh-keygen's error, then exits 0 with an
 * unsigned tag: such a tag is deleted before anything is public.
 */
async function unsignedTag(ctx: ReleaseContext, stderr: string): Promise<StepRun | undefined> {
  const object = (await ctx.git.tagObject(ctx.tag!)) ?? "";
  if (SIGNATURE.test(object)) return undefined;
  const deleted = await deleteTag(ctx);
  const what = stderr.trim().split("\n")[0];
  return {
    ok: false,
    detail:
      `git is set to sign tags (tag.gpgSign) but tag ${ctx.tag} holds no signature` +
      `${what ? ` (${what})` : ""}; check user.signingkey and gpg.format, or turn signing off; ` +
      (deleted.ok ? "the local tag was deleted" : deleted.detail),
  };
}

export async function deleteTag(ctx: ReleaseContext): Promise<StepRun> {
  const r = await ctx.git.deleteTag(ctx.tag!);
  return r.exitCode === 0
    ? { ok: true, detail: `local tag ${ctx.tag} deleted` }
    : { ok: false, detail: `could not delete the local tag: ${describeFailure(r)}` };
}

/** Publishing, then (on failure) asking whether the version landed anyway. */
export type PublishRun =
  | { ok: true; detail: string }
  | { ok: false; landed: "yes" | "no" | "unknown"; detail: string };

export async function publish(
  ctx: ReleaseContext,
  opts: { otp?: string; askOtp?: () => Promise<string | undefined> },
): Promise<PublishRun> {
  const { access, provenance } = ctx.loaded.config.release.npm;
  const args = { access, provenance, tag: ctx.distTag!, otp: opts.otp };
  let r = await ctx.npm.publish(args);
  if (r.exitCode !== 0 && needsOtp(r) && !opts.otp && opts.askOtp) {
    const otp = await opts.askOtp();
    if (otp) r = await ctx.npm.publish({ ...args, otp });
  }
  const what = `${ctx.pkg!.name}@${ctx.version!.version}`;
  if (r.exitCode === 0)
    return { ok: true, detail: `${what} published to ${ctx.registry} (--tag ${args.tag})` };
  const landed = (await ctx.npm.published(ctx.pkg!.name!, ctx.version!.version, ctx.registry!))
    .state;
  return { ok: false, landed, detail: `npm publish failed: ${failureText(r)}` };
}

/** Pushes the one tag, retrying with backoff: after a publish it must land. */
export async function pushTag(ctx: ReleaseContext, delaysMs = [1_000, 3_000]): Promise<StepRun> {
  const { remote } = ctx.loaded.config.release;
  let last = "";
  for (let attempt = 0; attempt <= delaysMs.length; attempt++) {
    if (attempt > 0) await sleep(delaysMs[attempt - 1]!);
    const r = await ctx.git.pushTag(remote, ctx.tag!);
    if (r.exitCode === 0) return { ok: true, detail: `refs/tags/${ctx.tag} pushed to ${remote}` };
    last = describeFailure(r);
  }
  return {
    ok: false,
    detail: `push of refs/tags/${ctx.tag} to ${remote} failed ${delaysMs.length + 1} times: ${last}`,
  };
}

/** The remote tag is at the commit and the registry serves the version, within a bounded wait. */
export async function verify(
  ctx: ReleaseContext,
  delaysMs = [500, 1_000, 2_000, 4_000, 8_000, 15_000],
): Promise<StepRun> {
  const { remote } = ctx.loaded.config.release;
  const at = await ctx.git.remoteTag(remote, ctx.tag!);
  if (at !== ctx.head)
    return {
      ok: false,
      detail: `${remote} has refs/tags/${ctx.tag} at ${at ?? "nothing"}, expected ${ctx.head}`,
    };
  if (!ctx.publish)
    return { ok: true, detail: `${remote} has refs/tags/${ctx.tag} at ${ctx.head}` };
  // Registries lag: wait a bounded time for the version to show.
  for (let attempt = 0; ; attempt++) {
    const found = await ctx.npm.published(ctx.pkg!.name!, ctx.version!.version, ctx.registry!);
    if (found.state === "yes")
      return {
        ok: true,
        detail: `${remote} has refs/tags/${ctx.tag} at ${ctx.head}; ${ctx.registry} serves ${ctx.pkg!.name}@${ctx.version!.version}`,
      };
    if (attempt >= delaysMs.length)
      return {
        ok: false,
        detail: `${ctx.registry} does not serve ${ctx.pkg!.name}@${ctx.version!.version} yet${found.detail ? `: ${found.detail}` : ""}`,
      };
    await sleep(delaysMs[attempt]!);
  }
}
