import { InputError, problem } from "../errors.js";

/** A release version, normalised (no leading `v`). */
export interface ReleaseVersion {
  version: string;
  /** The prerelease identifiers (`beta`, `1` for `1.0.0-beta.1`); empty for a release. */
  prerelease: string[];
}

// Semantic Versioning 2.0.0, section 9 and 10, as one expression.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Parses VERSION (a leading `v` is accepted); bad input is exit 2. */
export function parseVersion(raw: string): ReleaseVersion {
  const text = raw.trim().replace(/^v(?=\d)/, "");
  const m = SEMVER.exec(text);
  if (!m) {
    throw new InputError([
      problem("VERSION", `"${raw}" is not a semantic version such as 1.4.0 or 2.0.0-rc.1`, {
        code: "version",
      }),
    ]);
  }
  return { version: text, prerelease: m[4] ? m[4].split(".") : [] };
}

/**
 * The npm dist-tag a version goes out under: the configured one, else
 * `latest` for a release and the prerelease's first identifier (`beta`,
 * `rc`) for a prerelease; undefined when a prerelease has no usable id.
 */
export function distTag(
  version: ReleaseVersion,
  configured: string | undefined,
): string | undefined {
  if (configured) return configured;
  if (version.prerelease.length === 0) return "latest";
  const id = version.prerelease[0]!;
  return /^[a-z][a-z0-9-]*$/i.test(id) ? id : undefined;
}

/** The tag name from `release.tag`, such as `v{{version}}`. */
export function tagName(template: string, version: string): string {
  return template.replace(/\{\{\s*version\s*\}\}/g, version);
}
