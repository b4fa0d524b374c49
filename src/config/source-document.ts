import type { Problem } from "../errors.js";

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
