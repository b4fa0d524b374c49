import { readdir } from "node:fs/promises";
import path from "node:path";

const SKIP = new Set(["node_modules", ".git", "dist"]);

/** A regular expression for a glob with `**`, `*`, `?` and `{a,b}`. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      re += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "{") {
      const end = glob.indexOf("}", i);
      if (end < 0) re += "\\{";
      else {
        re += `(?:${glob
          .slice(i + 1, end)
          .split(",")
          .map((s) => s.replace(/[.+^$()|[\]\\]/g, "\\$&"))
          .join("|")})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Files under `dir` matching any of the globs (relative, forward slashes), sorted. */
export async function expandGlobs(dir: string, globs: string[]): Promise<string[]> {
  const matchers = globs.map((g) => globToRegExp(g.replace(/^\.\//, "")));
  const found: string[] = [];
  await walk(dir, "", (rel) => {
    if (matchers.some((m) => m.test(rel))) found.push(rel);
  });
  return found.sort();
}

async function walk(
  root: string,
  rel: string,
  visit: (rel: string) => void,
  depth = 0,
): Promise<void> {
  if (depth > 32) return;
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(path.join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIP.has(e.name)) await walk(root, child, visit, depth + 1);
    } else if (e.isFile()) visit(child);
  }
}

/** True when the text has glob characters. */
export function isGlob(text: string): boolean {
  return /[*?{]/.test(text);
}
