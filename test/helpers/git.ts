import { execFile } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A committer identity and no prompts, through the environment (no global config touched). */
export const GIT_ENV: NodeJS.ProcessEnv = {
  GIT_AUTHOR_NAME: "Shipgate Test",
  GIT_AUTHOR_EMAIL: "test@shipgate.invalid",
  GIT_COMMITTER_NAME: "Shipgate Test",
  GIT_COMMITTER_EMAIL: "test@shipgate.invalid",
  GIT_TERMINAL_PROMPT: "0",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd, env: { ...process.env, ...GIT_ENV } });
  return stdout.trim();
}

/** git, returning the exit code instead of throwing. */
export async function gitTry(
  cwd: string,
  ...args: string[]
): Promise<{ code: number; stdout: string }> {
  try {
    return { code: 0, stdout: await git(cwd, ...args) };
  } catch (error: unknown) {
    const e = error as { code?: number; stdout?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "" };
  }
}

export interface TempRepo {
  /** The working clone. */
  dir: string;
  /** The bare repository `origin` points at. */
  remote: string;
  root: string;
  write(file: string, text: string): Promise<void>;
  /** Adds every file and commits; pushes to origin main unless told not to. */
  commit(message: string, opts?: { push?: boolean }): Promise<string>;
  head(): Promise<string>;
  /** refs/heads and refs/tags, locally and on the remote, as `ref sha` lines. */
  refs(): Promise<{ local: string; remote: string }>;
  remove(): Promise<void>;
}

/** A temporary repository on branch main with a local bare remote, files committed and pushed. */
export async function makeRepo(files: Record<string, string>): Promise<TempRepo> {
  const root = await mkdtemp(path.join(os.tmpdir(), "shipgate-repo-"));
  const remote = path.join(root, "remote.git");
  const dir = path.join(root, "work");
  await run("git", ["init", "--bare", "-q", "-b", "main", remote], {
    env: { ...process.env, ...GIT_ENV },
  });
  await mkdir(dir);
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "remote", "add", "origin", remote);
  const write = async (file: string, text: string) => {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
  };
  for (const [file, text] of Object.entries(files)) await write(file, text);
  const repo: TempRepo = {
    dir,
    remote,
    root,
    write,
    async commit(message, opts = {}) {
      await git(dir, "add", "-A");
      await git(dir, "commit", "-q", "-m", message);
      if (opts.push !== false) await git(dir, "push", "-q", "origin", "main");
      return git(dir, "rev-parse", "HEAD");
    },
    head: () => git(dir, "rev-parse", "HEAD"),
    async refs() {
      const pattern = ["refs/heads", "refs/tags"];
      const local = await git(dir, "for-each-ref", "--format=%(refname) %(objectname)", ...pattern);
      const remoteRefs = await git(
        remote,
        "for-each-ref",
        "--format=%(refname) %(objectname)",
        ...pattern,
      );
      return { local, remote: remoteRefs };
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
  await repo.commit("initial");
  return repo;
}
