// Block collections of the subset, one line at a time: mappings of `key: value`
// lines, sequences of `- item` lines (an item may be a compact `- key: value`
// mapping), each value on its key's line or a collection indented below it.
import { MAX_DEPTH } from "../source-document.js";
import { readFlow } from "./flow.js";
import { addEntry, type MapNode, type SeqNode, type SubsetNode } from "./node.js";
import { MAX_KEY_LENGTH, outside, readBlockPlain, readQuoted, resolvePlain } from "./scalar.js";

/** One line of the file, without its `\n`. */
export interface Line {
  text: string;
  /** Offset of the line's first character in the file. */
  start: number;
  /** Leading spaces. */
  indent: number;
  /** Neither blank nor a comment. */
  content: boolean;
}

function skipSpaces(text: string, i: number): number {
  while (text[i] === " ") i++;
  return i;
}

function isSeqEntry(text: string, col: number): boolean {
  return text[col] === "-" && (col + 1 === text.length || text[col + 1] === " ");
}

const FLOW_INDICATOR = /[[\]{},]/;

/** The key at `col` (quoted, or plain and resolving to a string) and the index of its `:`. */
function readKey(text: string, col: number): { key: string; colon: number } {
  let key: unknown;
  let colon: number;
  const c = text[col];
  if (c === "'" || c === '"') {
    ({ value: key, end: colon } = readQuoted(text, col));
  } else {
    const plain = readBlockPlain(text, col);
    if (FLOW_INDICATOR.test(plain.raw)) outside();
    key = resolvePlain(plain.raw);
    colon = plain.end;
  }
  if (typeof key !== "string" || text[colon] !== ":") outside();
  if (colon + 1 < text.length && text[colon + 1] !== " ") outside();
  if (colon - col > MAX_KEY_LENGTH) outside();
  return { key, colon };
}

/** Whether the item text at `col` is a `key: value` pair rather than a value. */
function isKeyAt(text: string, col: number): boolean {
  const c = text[col];
  if (c === "[" || c === "{") return false;
  const end = c === "'" || c === '"' ? readQuoted(text, col).end : readBlockPlain(text, col).end;
  return text[end] === ":" && (end + 1 === text.length || text[end + 1] === " ");
}

/** Parses the block collection of one document; the lines from `from` up to `to`. */
export class BlockParser {
  private pos: number;

  constructor(
    private readonly lines: Line[],
    from: number,
    private readonly to: number,
  ) {
    this.pos = from;
  }

  /** The document's root: a mapping or sequence at column 0 with nothing after it. */
  root(): SubsetNode {
    const first = this.peek();
    if (first < 0 || this.line(first).indent !== 0) outside();
    const node = this.collection(first, 0, 1);
    if (this.peek() >= 0) outside();
    return node;
  }

  private line(l: number): Line {
    return this.lines[l] as Line;
  }

  /** The next line with content, or -1 at the document's end. */
  private peek(): number {
    while (this.pos < this.to && !this.line(this.pos).content) this.pos++;
    return this.pos < this.to ? this.pos : -1;
  }

  private collection(l: number, col: number, depth: number): SubsetNode {
    return isSeqEntry(this.line(l).text, col) ? this.seq(l, col, depth) : this.map(l, col, depth);
  }

  private map(l: number, col: number, depth: number): MapNode {
    if (depth > MAX_DEPTH) outside();
    const map: MapNode = { kind: "map", start: this.line(l).start + col, entries: [] };
    for (;;) {
      this.entry(map, l, col, depth);
      const next = this.peek();
      if (next < 0 || this.line(next).indent < col) return map;
      if (this.line(next).indent > col) outside();
      l = next;
    }
  }

  private entry(map: MapNode, l: number, col: number, depth: number): void {
    const { text, start } = this.line(l);
    const { key, colon } = readKey(text, col);
    const at = skipSpaces(text, colon + 1);
    let value: SubsetNode;
    if (at === text.length || text[at] === "#") {
      this.pos = l + 1;
      value = this.nested(col, depth + 1, true);
    } else {
      value = this.inline(l, at, depth + 1);
    }
    addEntry(map, { key, keyStart: start + col, value });
  }

  private seq(l: number, col: number, depth: number): SeqNode {
    if (depth > MAX_DEPTH) outside();
    const seq: SeqNode = { kind: "seq", start: this.line(l).start + col, items: [] };
    for (;;) {
      const { text } = this.line(l);
      const at = skipSpaces(text, col + 1);
      if (at === text.length || text[at] === "#") {
        this.pos = l + 1;
        seq.items.push(this.nested(col, depth + 1, false));
      } else if (isSeqEntry(text, at)) {
        outside();
      } else if (isKeyAt(text, at)) {
        seq.items.push(this.map(l, at, depth + 1));
      } else {
        seq.items.push(this.inline(l, at, depth + 1));
      }
      const next = this.peek();
      if (next < 0 || this.line(next).indent < col) return seq;
      if (this.line(next).indent > col) outside();
      if (!isSeqEntry(this.line(next).text, col)) return seq;
      l = next;
    }
  }

  /**
   * The collection below a key or `-` with nothing after it: indented deeper,
   * or (under a key) a sequence at the key's own column. An empty value is
   * left to the yaml package.
   */
  private nested(parentCol: number, depth: number, sameColumnSeq: boolean): SubsetNode {
    const next = this.peek();
    if (next < 0) outside();
    const { text, indent } = this.line(next);
    if (indent > parentCol) return this.collection(next, indent, depth);
    if (indent === parentCol && sameColumnSeq && isSeqEntry(text, indent))
      return this.seq(next, indent, depth);
    return outside();
  }

  /** A scalar or flow collection at `col`, with at most a comment after it on its line. */
  private inline(l: number, col: number, depth: number): SubsetNode {
    const { text, start } = this.line(l);
    const c = text[col];
    let node: SubsetNode;
    let end: number;
    if (c === "[" || c === "{") {
      ({ node, end } = readFlow(text, col, start, depth));
    } else if (c === "'" || c === '"') {
      const quoted = readQuoted(text, col);
      node = { kind: "scalar", start: start + col, value: quoted.value };
      end = quoted.end;
    } else {
      const plain = readBlockPlain(text, col);
      node = { kind: "scalar", start: start + col, value: resolvePlain(plain.raw) };
      end = plain.end;
    }
    const rest = skipSpaces(text, end);
    if (rest < text.length && !(text[rest] === "#" && rest > end)) outside();
    this.pos = l + 1;
    return node;
  }
}
