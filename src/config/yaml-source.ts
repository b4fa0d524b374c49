import { readFile } from "node:fs/promises";
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from "yaml";
import { type Problem, problem } from "../errors.js";

/** Documents nested deeper than this are refused. */
export const MAX_DEPTH = 64;

export type KeyPath = ReadonlyArray<string | number>;

/** Where a value sits in its file: 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** One YAML document of a file, with a way back from a key path to its position. */
export interface SourceDocument {
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  value: unknown;
  /** The document's own text, for content hashes. */
  text: string;
  position: Position;
  locate(path: KeyPath, opts?: { key?: boolean }): Position;
}

export interface SourceFile {
  file: string;
  documents: SourceDocument[];
  problems: Problem[];
}

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

export function parseYaml(text: string, file: string): SourceFile {
  const lineCounter = new LineCounter();
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, {
      lineCounter,
      uniqueKeys: true,
      prettyErrors: false,
    }) as Document.Parsed[];
  } catch (error: unknown) {
    if (error instanceof RangeError)
      return { file, documents: [], problems: [tooDeep(file, { line: 1, column: 1 })] };
    throw error;
  }
  const problems: Problem[] = [];
  const documents: SourceDocument[] = [];
  docs.forEach((doc, index) => {
    for (const e of [...doc.errors, ...doc.warnings]) {
      const pos = at(e.pos[0]);
      // The parser turns a stack overflow on very deep nesting into a document error.
      if (/Maximum call stack/i.test(e.message)) problems.push(tooDeep(file, pos));
      else problems.push(problem(file, cleanYamlMessage(e.message), { ...pos, code: "yaml" }));
    }
    if (doc.errors.length > 0) return;
    if (doc.contents === null && isEmptyDocument(doc)) return;
    const deep = findTooDeep(doc.contents, 1);
    if (deep) {
      problems.push(tooDeep(file, at(deep.range?.[0] ?? 0)));
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error: unknown) {
      problems.push(
        problem(file, `cannot read document: ${(error as Error).message}`, {
          ...at(doc.range[0]),
          code: "yaml",
        }),
      );
      return;
    }
    const [start, , end] = doc.range;
    documents.push({
      file,
      index,
      value,
      text: text.slice(start, end),
      position: at(doc.contents?.range?.[0] ?? start),
      locate: (path, opts) => at(offsetOf(doc, path, opts?.key ?? false)),
    });
  });
  return { file, documents, problems };
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  return doc.contents === null;
}

function tooDeep(file: string, pos: Position): Problem {
  return problem(file, `nesting deeper than ${MAX_DEPTH} levels is refused; flatten the document`, {
    ...pos,
    code: "depth",
  });
}

function findTooDeep(node: unknown, depth: number): Node | undefined {
  if (!isMap(node) && !isSeq(node)) return undefined;
  if (depth > MAX_DEPTH) return node as Node;
  for (const item of node.items) {
    const child = isPair(item) ? item.value : item;
    const found = findTooDeep(child, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The offset of the value (or its key) at `path`, falling back to the nearest parent that exists. */
function offsetOf(doc: Document.Parsed, path: KeyPath, key: boolean): number {
  let node: unknown = doc.contents;
  let offset = doc.contents?.range?.[0] ?? doc.range[0];
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) return offset;
      if (last && key && isScalar(pair.key)) return pair.key.range?.[0] ?? offset;
      node = pair.value;
      const range = (pair.value as Node | null)?.range ?? (pair.key as Node | null)?.range;
      if (range) offset = range[0];
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (!item) return offset;
      node = item;
      if (item.range) offset = item.range[0];
    } else {
      return offset;
    }
  }
  return offset;
}

function cleanYamlMessage(message: string): string {
  return message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? message;
}
