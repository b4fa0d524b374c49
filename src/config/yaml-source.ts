import { readFile } from "node:fs/promises";
import { type Problem, problem } from "../errors.js";
import type { SourceFile } from "./source-document.js";

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
 * Parses every `---` document of `text` with the yaml package, which is
 * imported on first use: loading it is a noticeable part of start-up.
 */
export async function parseYaml(text: string, file: string): Promise<SourceFile> {
  const { parseWithYaml } = await import("./yaml-package.js");
  return parseWithYaml(text, file);
}
