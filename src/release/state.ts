import type { Git } from "./git.js";
import type { Npm } from "./npm.js";

/** What a release finds before it does anything. */
export interface Observed {
  head?: string;
  /** The commit the local tag points at. */
  localTag?: string;
  /** The remote tag's commit; null when absent, undefined when the remote could not be asked. */
  remoteTag: string | null | undefined;
  /** Whether the registry serves VERSION; `n/a` without npm publishing or before a tag exists. */
  onRegistry: "yes" | "no" | "unknown" | "n/a";
}

/** The next step, from the resume table of SPEC.md. */
export type NextStep =
  | { kind: "release"; resuming: boolean }
  | { kind: "push" }
  | { kind: "verify" }
  | { kind: "refuse"; reason: string; next: string };

export interface ObserveInput {
  git: Git;
  npm: Npm;
  remote: string;
  tag: string;
  publish: boolean;
  packageName?: string;
  version: string;
  registry?: string;
}

export async function observe(input: ObserveInput): Promise<Observed> {
  const [head, localTag, remoteTag] = await Promise.all([
    input.git.head(),
    input.git.localTag(input.tag),
    input.git.remoteTag(input.remote, input.tag),
  ]);
  let onRegistry: Observed["onRegistry"] = "n/a";
  // Only a tag made by an earlier run makes the registry part of the state.
  if (input.publish && localTag && input.packageName && input.registry) {
    onRegistry = (await input.npm.published(input.packageName, input.version, input.registry))
      .state;
  }
  return { head, localTag, remoteTag, onRegistry };
}

/** Decides what to do from what was observed; a rerun after a failure lands here too. */
export function decide(
  o: Observed,
  input: { tag: string; remote: string; publish: boolean },
): NextStep {
  const { tag, remote } = input;
  if (o.localTag === undefined) {
    if (o.remoteTag)
      return refuse(
        `tag ${tag} exists on ${remote} (at ${o.remoteTag.slice(0, 12)}) but not here: another release made it`,
        `git fetch ${remote} tag ${tag}, and check what was released`,
      );
    return { kind: "release", resuming: false };
  }
  if (o.localTag !== o.head)
    return refuse(
      `tag ${tag} already exists at ${o.localTag.slice(0, 12)}, not at HEAD (${o.head?.slice(0, 12) ?? "none"})`,
      `check out the tagged commit to finish that release, or delete the local tag (git tag -d ${tag}) if it never went out`,
    );
  if (o.remoteTag === undefined)
    return refuse(
      `cannot ask ${remote} about tag ${tag}`,
      `check the remote ${remote} and your access to it`,
    );
  if (o.remoteTag !== null && o.remoteTag !== o.head)
    return refuse(
      `tag ${tag} on ${remote} points at ${o.remoteTag.slice(0, 12)}, not at the local tag's commit`,
      "find out which commit was released before doing anything else",
    );
  if (!input.publish) return o.remoteTag ? { kind: "verify" } : { kind: "release", resuming: true };
  if (o.onRegistry === "unknown" || o.onRegistry === "n/a")
    return refuse(
      "cannot tell whether the version is on the registry",
      "check the registry and run again",
    );
  if (o.onRegistry === "no") {
    if (o.remoteTag)
      return refuse(
        `tag ${tag} is on ${remote} but the version was never published`,
        `publish by hand (npm publish) or delete the remote tag (git push ${remote} :refs/tags/${tag})`,
      );
    return { kind: "release", resuming: true };
  }
  return o.remoteTag ? { kind: "verify" } : { kind: "push" };
}

function refuse(reason: string, next: string): NextStep {
  return { kind: "refuse", reason, next };
}
