import type { KeyPath } from "../source-document.js";
import { outside } from "./scalar.js";

/** A node of the subset, with the offset where the yaml package's node range starts. */
export type SubsetNode = ScalarNode | MapNode | SeqNode;

export interface ScalarNode {
  kind: "scalar";
  start: number;
  value: unknown;
}

export interface MapNode {
  kind: "map";
  start: number;
  entries: MapEntry[];
}

export interface MapEntry {
  key: string;
  keyStart: number;
  value: SubsetNode;
}

export interface SeqNode {
  kind: "seq";
  start: number;
  items: SubsetNode[];
}

/**
 * Adds an entry, refusing what the subset leaves to the yaml package: a key
 * seen before (yaml reports it) and `<<` (a merge key under other schemas).
 */
export function addEntry(map: MapNode, entry: MapEntry): void {
  if (entry.key === "<<" || map.entries.some((e) => e.key === entry.key)) outside();
  map.entries.push(entry);
}

/** The plain value, built the way the yaml package's toJS builds it. */
export function toValue(node: SubsetNode): unknown {
  if (node.kind === "scalar") return node.value;
  if (node.kind === "seq") return node.items.map(toValue);
  const out: Record<string, unknown> = {};
  for (const { key, value } of node.entries) {
    // Own properties even for keys such as __proto__, never the prototype.
    if (key in out)
      Object.defineProperty(out, key, {
        value: toValue(value),
        writable: true,
        enumerable: true,
        configurable: true,
      });
    else out[key] = toValue(value);
  }
  return out;
}

/** The offset of the value (or its key) at `path`, falling back to the nearest parent that exists. */
export function offsetOf(root: SubsetNode, path: KeyPath, key: boolean): number {
  let node = root;
  let offset = root.start;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (node.kind === "map") {
      const entry = node.entries.find((e) => e.key === String(segment));
      if (!entry) return offset;
      if (key && i === path.length - 1) return entry.keyStart;
      node = entry.value;
    } else if (node.kind === "seq" && typeof segment === "number") {
      const item = node.items[segment];
      if (!item) return offset;
      node = item;
    } else {
      return offset;
    }
    offset = node.start;
  }
  return offset;
}
