// Flow collections of the subset: `[a, b]` and `{ k: v }`, nested, opened and
// closed on one line, with no empty or trailing entries and no implicit pairs.
import { MAX_DEPTH } from "../source-document.js";
import { addEntry, type MapNode, type SeqNode, type SubsetNode } from "./node.js";
import { MAX_KEY_LENGTH, outside, readFlowPlain, readQuoted, resolvePlain } from "./scalar.js";

export interface FlowRead {
  node: SubsetNode;
  /** Index just past the node in its line. */
  end: number;
}

/**
 * Reads the flow collection or scalar at `i` of `line`; `base` is the line's
 * offset in the file and `depth` the collection depth a collection here gets.
 */
export function readFlow(line: string, i: number, base: number, depth: number): FlowRead {
  const c = line[i];
  if (c === "[") return readFlowSeq(line, i, base, depth);
  if (c === "{") return readFlowMap(line, i, base, depth);
  if (c === "'" || c === '"') {
    const { value, end } = readQuoted(line, i);
    return { node: { kind: "scalar", start: base + i, value }, end };
  }
  const { raw, end } = readFlowPlain(line, i);
  return { node: { kind: "scalar", start: base + i, value: resolvePlain(raw) }, end };
}

function skipSpaces(line: string, i: number): number {
  while (line[i] === " ") i++;
  return i;
}

/**
 * After an entry: a `,` and the next entry, or the closing bracket. Returns
 * the index of the next entry, or -1 when the collection closes at `i`.
 */
function afterEntry(line: string, i: number, close: string): number {
  const at = skipSpaces(line, i);
  if (line[at] === close) return -1;
  if (line[at] !== ",") outside();
  const next = skipSpaces(line, at + 1);
  if (line[next] === close || line[next] === ",") outside();
  return next;
}

function readFlowSeq(line: string, i: number, base: number, depth: number): FlowRead {
  if (depth > MAX_DEPTH) outside();
  const seq: SeqNode = { kind: "seq", start: base + i, items: [] };
  let at = skipSpaces(line, i + 1);
  if (line[at] === "]") return { node: seq, end: at + 1 };
  for (;;) {
    const item = readFlow(line, at, base, depth + 1);
    // `[a: b]` is a single-pair mapping; left to the yaml package.
    if (line[skipSpaces(line, item.end)] === ":") outside();
    seq.items.push(item.node);
    const next = afterEntry(line, item.end, "]");
    if (next < 0) return { node: seq, end: skipSpaces(line, item.end) + 1 };
    at = next;
  }
}

function readFlowMap(line: string, i: number, base: number, depth: number): FlowRead {
  if (depth > MAX_DEPTH) outside();
  const map: MapNode = { kind: "map", start: base + i, entries: [] };
  let at = skipSpaces(line, i + 1);
  if (line[at] === "}") return { node: map, end: at + 1 };
  for (;;) {
    const key = readFlowKey(line, at);
    const valueAt = skipSpaces(line, key.end + 2);
    const value = readFlow(line, valueAt, base, depth + 1);
    addEntry(map, { key: key.key, keyStart: base + at, value: value.node });
    const next = afterEntry(line, value.end, "}");
    if (next < 0) return { node: map, end: skipSpaces(line, value.end) + 1 };
    at = next;
  }
}

/** A quoted or plain key that resolves to a string, followed directly by `: `. */
function readFlowKey(line: string, i: number): { key: string; end: number } {
  const c = line[i];
  let key: unknown;
  let end: number;
  if (c === "'" || c === '"') ({ value: key, end } = readQuoted(line, i));
  else {
    const plain = readFlowPlain(line, i);
    key = resolvePlain(plain.raw);
    end = plain.end;
  }
  if (typeof key !== "string" || line[end] !== ":" || line[end + 1] !== " ") outside();
  if (end - i > MAX_KEY_LENGTH) outside();
  return { key, end };
}
