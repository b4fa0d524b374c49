// The full YAML parser, loaded only for text the subset parser refuses: it
// reports errors and warnings with their positions, and reads everything else
// YAML allows.
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
import {
  type KeyPath,
  MAX_DEPTH,
  type Position,
  type SourceDocument,
  type SourceFile,
} from "./source-document.js";

/** Parses every `---` document of `text` with the yaml package, keeping positions. */
export function parseWithYaml(text: string, file: string): SourceFile {
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
    // An empty document (a stray `---`, only comments) holds no gate.
    if (doc.contents === null) return;
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
