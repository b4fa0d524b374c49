import { type ExecResult, exec } from "../util/exec.js";

/** The environment every git call gets: git never prompts, SSH never asks. */
export function gitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    GIT_TERMINAL_PROMPT: "0",
    GIT_SSH_COMMAND: "ssh -o BatchMode=yes",
    GCM_INTERACTIVE: "never",
  };
}

/** A git runner bound to one repository; every call an argument array with a timeout. */
export class Git {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  constructor(cwd: string, env?: NodeJS.ProcessEnv) {
    this.cwd = cwd;
    this.env = gitEnv(env);
  }

  run(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return exec("git", args, {
      cwd: this.cwd,
      env: this.env,
      input: opts.input,
      timeoutMs: opts.timeoutMs ?? 60_000,
    });
  }

  /** stdout of a call that must succeed, or undefined. */
  async read(args: string[]): Promise<string | undefined> {
    const r = await this.run(args);
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  }

  async gitDir(): Promise<string | undefined> {
    return this.read(["rev-parse", "--absolute-git-dir"]);
  }

  async head(): Promise<string | undefined> {
    return this.read(["rev-parse", "--verify", "HEAD^{commit}"]);
  }

  async branch(): Promise<string | undefined> {
    return this.read(["symbolic-ref", "--short", "-q", "HEAD"]);
  }

  /** The commit a local tag points at, or undefined when there is no such tag. */
  async localTag(tag: string): Promise<string | undefined> {
    return this.read(["rev-parse", "--verify", "-q", `refs/tags/${tag}^{commit}`]);
  }

  /** True when the tag is annotated (a tag object), not lightweight. */
  async isAnnotated(tag: string): Promise<boolean> {
    return (await this.read(["cat-file", "-t", `refs/tags/${tag}`])) === "tag";
  }

  /** The raw tag object (header, message and any signature), undefined when there is none. */
  tagObject(tag: string): Promise<string | undefined> {
    return this.read(["cat-file", "tag", `refs/tags/${tag}`]);
  }

  async remoteUrl(remote: string): Promise<string | undefined> {
    return this.read(["remote", "get-url", remote]);
  }

  /** Refs on the remote, peeled where they are tags: ref name to commit. */
  async lsRemote(
    remote: string,
    refs: string[],
  ): Promise<ExecResult & { refs: Map<string, string> }> {
    const r = await this.run(["ls-remote", remote, ...refs], { timeoutMs: 60_000 });
    const map = new Map<string, string>();
    if (r.exitCode === 0) {
      for (const line of r.stdout.split("\n")) {
        const [sha, ref] = line.split("\t");
        if (!sha || !ref) continue;
        // A peeled line (`^{}`) names the commit an annotated tag points at; it wins.
        if (ref.endsWith("^{}")) map.set(ref.slice(0, -3), sha);
        else if (!map.has(ref)) map.set(ref, sha);
      }
    }
    return { ...r, refs: map };
  }

  /** The commit the remote's tag points at; `null` when absent, undefined when unknown. */
  async remoteTag(remote: string, tag: string): Promise<string | null | undefined> {
    const r = await this.lsRemote(remote, [`refs/tags/${tag}`, `refs/tags/${tag}^{}`]);
    if (r.exitCode !== 0) return undefined;
    return r.refs.get(`refs/tags/${tag}`) ?? null;
  }

  /** True when git is set up to sign tags (`tag.gpgSign`). */
  async signsTags(): Promise<boolean> {
    return (await this.read(["config", "--bool", "tag.gpgSign"])) === "true";
  }

  /** Creates an annotated tag, signed when asked, with the message from stdin. */
  createTag(tag: string, commit: string, message: string, sign: boolean): Promise<ExecResult> {
    return this.run(["tag", sign ? "-s" : "-a", "-F", "-", "--", tag, commit], { input: message });
  }

  deleteTag(tag: string): Promise<ExecResult> {
    return this.run(["tag", "-d", "--", tag]);
  }

  /** Pushes exactly one tag; never `--tags`. */
  pushTag(remote: string, tag: string, dryRun = false): Promise<ExecResult> {
    const ref = `refs/tags/${tag}`;
    const args = ["push", "--porcelain"];
    if (dryRun) args.push("--dry-run");
    return this.run([...args, remote, dryRun ? `HEAD:${ref}` : `${ref}:${ref}`], {
      timeoutMs: 120_000,
    });
  }
}

/** The one line of a failed git call a person should see: its stderr, or how it ended. */
export function describeFailure(r: ExecResult): string {
  if (r.failedToStart) return `${r.command} could not start (is it installed?)`;
  if (r.timedOut) return `${r.command} timed out and was stopped`;
  const text = (r.stderr || r.stdout).trim();
  return `${r.command} exited ${r.exitCode ?? r.signal}${text ? `: ${text}` : ""}`;
}

/** Credentials embedded in a remote URL (`https://user:token@host/...`), to be redacted. */
export function urlCredentials(url: string): string[] {
  try {
    const u = new URL(url);
    const found: string[] = [];
    if (u.password) found.push(decodeURIComponent(u.password), u.password);
    // `https://TOKEN@host` carries the token as the user name; `git@` is only a user.
    if (u.username && (u.password || u.protocol.startsWith("http")))
      found.push(decodeURIComponent(u.username), u.username);
    return found.filter((s) => s.length > 0);
  } catch {
    return [];
  }
}
