import type { Loaded } from "../core/check.js";
import type { Redactor } from "../template/redact.js";
import { type RecordModule, loadRecord } from "./fidelity.js";
import { Git, urlCredentials } from "./git.js";
import { Npm, type PackageInfo, readPackage } from "./npm.js";
import { type ReleaseVersion, distTag, tagName } from "./version.js";

/** Everything the release steps share, observed once at the start. */
export interface ReleaseContext {
  loaded: Loaded;
  git: Git;
  npm: Npm;
  env: NodeJS.ProcessEnv;
  redactor: Redactor;
  version?: ReleaseVersion;
  tag?: string;
  inRepo: boolean;
  gitDir?: string;
  head?: string;
  publish: boolean;
  pkg?: PackageInfo;
  registry?: string;
  distTag?: string;
  record: RecordModule;
}

export async function openContext(
  loaded: Loaded,
  opts: { version?: ReleaseVersion; redactor: Redactor; env?: NodeJS.ProcessEnv },
): Promise<ReleaseContext> {
  const env = opts.env ?? process.env;
  const dir = loaded.config.dir;
  const git = new Git(dir, env);
  const npm = new Npm(dir, env);
  const { release } = loaded.config;
  const gitDir = await git.gitDir();
  const url = gitDir ? await git.remoteUrl(release.remote) : undefined;
  // A token in the remote's URL (or a host's) must never be echoed, whatever git prints.
  const urls = [url ?? "", ...Object.values(loaded.environment.hosts)];
  for (const secret of urls.flatMap(urlCredentials)) opts.redactor.add(secret);
  const publish = release.publish === "npm";
  const pkg = publish ? await readPackage(dir) : undefined;
  return {
    loaded,
    git,
    npm,
    env,
    redactor: opts.redactor,
    version: opts.version,
    tag: opts.version ? tagName(release.tag, opts.version.version) : undefined,
    inRepo: gitDir !== undefined,
    gitDir,
    head: gitDir ? await git.head() : undefined,
    publish,
    pkg,
    registry: pkg ? await npm.publishRegistry(pkg) : undefined,
    distTag: opts.version ? distTag(opts.version, release.npm.tag) : undefined,
    record: await loadRecord(),
  };
}
