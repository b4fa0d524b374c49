import { readFile } from "node:fs/promises";
import { type Problem, problem } from "../errors.js";
import type { Position, SourceDocument, SourceFile } from "./source-document.js";
import { parseSubset, positionAt } from "./yaml-subset/documents.js";
import { offsetOf, toValue } from "./yaml-subset/node.js";

export {
  type KeyPath,
  MAX_DEPTH,
  type Position,
  type SourceDocument,
  type SourceFile,
} from "./source-document.js";

/** Reads a file as strict UTF-8; a byte that is not UTF-8 becomes a problem with its position. */
export async function readUtf8(
  file: string,
  display = file,
): Promise<{ text?: string; problems: Problem[] }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    const what =
      code === "ENOENT" ? "file not found" : `cannot read file (${code ?? String(error)})`;
    return { problems: [problem(display, what, { code: "read" })] };
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { text: text.startsWith("\uFEFF") ? text.slice(1) : text, problems: [] };
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, at).toString("utf8");
    const lines = before.split("\n");
    return {
      problems: [
        problem(
          display,
          `not valid UTF-8 (byte 0x${bytes[at]?.toString(16).padStart(2, "0")} at offset ${at}); save the file as UTF-8`,
          {
            line: lines.length,
            column: (lines.at(-1)?.length ?? 0) + 1,
            code: "encoding",
          },
        ),
      ],
    };
  }
}

function firstInvalidUtf8(bytes: Buffer): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // Binary search for the shortest prefix that fails; a cut inside a valid
  // multi-byte character also fails, so step back to the character start.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid + 1));
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  let at = lo;
  while (at > 0 && ((bytes[at] ?? 0) & 0xc0) === 0x80) at--;
  return at;
}

/** Parses every `---` document of a YAML file, keeping positions. */
export async function loadYamlFile(file: string, display = file): Promise<SourceFile> {
  const read = await readUtf8(file, display);
  if (read.text === undefined) return { file: display, documents: [], problems: read.problems };
  return parseYaml(read.text, display);
}

/**
 * Parses every `---` document of `text`. The plain YAML of gate files is read
 * by the subset parser; anything else (and every error) by the yaml package,
 * which is imported only then: loading and warming it up cost more than the
 * rest of reading a few hundred gates.
 */
export async function parseYaml(text: string, file: string): Promise<SourceFile> {
  const fast = parseYamlSubset(text, file);
  if (fast) return fast;
  const { parseWithYaml } = await import("./yaml-package.js");
  return parseWithYaml(text, file);
}

/** What the subset parser reads of `text`, or undefined when the yaml package must decide. */
export function parseYamlSubset(text: string, file: string): SourceFile | undefined {
  const subset = parseSubset(text);
  if (!subset) return undefined;
  const at = (offset: number): Position => positionAt(subset.lineStarts, offset);
  const documents = subset.documents.map(
    ({ index, start, end, root }): SourceDocument => ({
      file,
      index,
      value: toValue(root),
      text: text.slice(start, end),
      position: at(root.start),
      locate: (path, opts) => at(offsetOf(root, path, opts?.key ?? false)),
    }),
  );
  return { file, documents, problems: [] };
}
