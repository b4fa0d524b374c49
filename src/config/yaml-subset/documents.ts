// A small parser for the plain YAML that gate files and shipgate.yaml are
// written in, so that most runs never load (or warm up) the yaml package. It
// is conservative: any text it is not sure to read exactly as the yaml package
// would (the same values, document text and positions, and no errors or
// warnings) is refused as a whole, and the caller hands it to the package.
import { BlockParser, type Line } from "./block.js";
import type { SubsetNode } from "./node.js";
import { OutsideSubset, outside } from "./scalar.js";

/** One document of a file the subset covers. */
export interface SubsetDocument {
  /** 0-based index among the file's documents. */
  index: number;
  /** Offsets of the document's text, as the yaml package's document range gives them. */
  start: number;
  end: number;
  root: SubsetNode;
}

export interface SubsetFile {
  documents: SubsetDocument[];
  /** Offset of each line's first character, for positions. */
  lineStarts: number[];
}

// Tabs, carriage returns, control and non-printable characters, a byte order
// mark inside the text, Unicode line breaks and lone surrogates.
const UNSUPPORTED =
  /[\t\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The documents of `text`, or undefined when the text is not all within the subset. */
export function parseSubset(text: string): SubsetFile | undefined {
  if (UNSUPPORTED.test(text)) return undefined;
  try {
    const lines = splitLines(text);
    return { documents: documents(text, lines), lineStarts: lines.map((l) => l.start) };
  } catch (error: unknown) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}

const MARKER = /^(?:---|\.\.\.)/;

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const line of text.split("\n")) {
    // Directives, document end markers and anything else that starts like a
    // marker are left to the yaml package; a separator is exactly `---`.
    if (line[0] === "%" || (line !== "---" && MARKER.test(line))) outside();
    let indent = 0;
    while (line[indent] === " ") indent++;
    const content = indent < line.length && line[indent] !== "#" && line !== "---";
    lines.push({ text: line, start, indent, content });
    start += line.length + 1;
  }
  return lines;
}

/**
 * Splits at `---` lines. A document starts at its `---`, or for a first
 * document without one, at its first line of content; it ends where the next
 * `---` starts, trailing comments and blank lines included.
 */
function documents(text: string, lines: Line[]): SubsetDocument[] {
  const docs: SubsetDocument[] = [];
  let from = 0;
  while (from < lines.length) {
    const explicit = lines[from]?.text === "---";
    let to = from + 1;
    while (to < lines.length && lines[to]?.text !== "---") to++;
    let first = explicit ? from + 1 : from;
    while (first < to && !lines[first]?.content) first++;
    if (first < to) {
      const start = (explicit ? lines[from] : lines[first])?.start ?? 0;
      const end = lines[to]?.start ?? text.length;
      const root = new BlockParser(lines, first, to).root();
      docs.push({ index: docs.length, start, end, root });
    } else if (explicit) {
      // An empty document after `---` is a null document to the yaml package.
      outside();
    }
    from = to;
  }
  return docs;
}

/** The 1-based line and column of `offset`, as the yaml package's LineCounter gives them. */
export function positionAt(lineStarts: number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = lineStarts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) low = mid + 1;
    else high = mid;
  }
  return { line: low, column: offset - (lineStarts[low - 1] ?? 0) + 1 };
}
