import { stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { exec } from "../util/exec.js";
import type { Git } from "./git.js";
import { type CheckOutcome, fail, inRepo, ok, type PreflightCheck } from "./preflight-check.js";

const TURN_OFF = "or turn tag signing off: git config tag.gpgSign false";

/**
 * When git signs tags (`tag.gpgSign`), its key must be there before the
 * release starts: git 2.39 with a missing SSH key prints an error and still
 * makes an unsigned tag. Checked for SSH and OpenPGP keys; the tag itself is
 * checked for a signature after it is made, whatever the format.
 */
export const SIGNING_CHECK: PreflightCheck = {
  title: "tag signing",
  appliesWhen: inRepo,
  run: async (ctx) => {
    if (!(await ctx.git.signsTags())) return ok("off: tag.gpgSign is not set");
    const format = (await ctx.git.read(["config", "gpg.format"])) ?? "openpgp";
    const key = await ctx.git.read(["config", "user.signingkey"]);
    if (format === "ssh") return sshKey(ctx.git, key);
    if (format === "openpgp") {
      const program = (await ctx.git.read(["config", "gpg.program"])) ?? "gpg";
      return gpgKey(program, key, ctx.git.cwd, ctx.git.env);
    }
    return ok(`${format}: the key is not checked before the tag`);
  },
};

async function sshKey(git: Git, key: string | undefined): Promise<CheckOutcome> {
  if (key === undefined)
    return (await git.read(["config", "gpg.ssh.defaultKeyCommand"])) !== undefined
      ? ok("ssh, key from gpg.ssh.defaultKeyCommand")
      : fail(
          "tag.gpgSign is set with gpg.format ssh, but user.signingkey is not",
          `git config user.signingkey ~/.ssh/id_ed25519.pub, ${TURN_OFF}`,
        );
  // A literal public key needs no file.
  if (key.startsWith("key::") || key.startsWith("ssh-")) return ok("ssh, literal key");
  const file = key.startsWith("~/")
    ? path.join(os.homedir(), key.slice(2))
    : path.resolve(git.cwd, key);
  try {
    await stat(file);
    return ok(`ssh key ${key}`);
  } catch {
    return fail(
      `tag.gpgSign is set, but the SSH signing key ${key} (user.signingkey) does not exist`,
      `point user.signingkey at your key, ${TURN_OFF}`,
    );
  }
}

async function gpgKey(
  program: string,
  key: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<CheckOutcome> {
  const args = ["--batch", "--with-colons", "--list-secret-keys", ...(key ? [key] : [])];
  const r = await exec(program, args, { cwd, env, timeoutMs: 15_000 });
  if (r.failedToStart)
    return fail(`tag.gpgSign is set, but ${program} cannot be started`, `install it, ${TURN_OFF}`);
  if (r.exitCode === 0 && /^sec:/m.test(r.stdout)) return ok(`gpg key ${key ?? "(default)"}`);
  return fail(
    `tag.gpgSign is set, but ${program} has no secret key${key ? ` for ${key} (user.signingkey)` : ""}`,
    `gpg --list-secret-keys, then git config user.signingkey KEYID, ${TURN_OFF}`,
  );
}
