import { expect } from "vitest";
import type { KeyPath, SourceFile } from "../../src/config/source-document.js";
import { parseWithYaml } from "../../src/config/yaml-package.js";
import { parseYamlSubset } from "../../src/config/yaml-source.js";

/**
 * A value written out so that two values print the same only when they are
 * the same to a reader: -0 and 0 differ, NaN equals NaN, key order counts,
 * own `__proto__` keys show, and so does a prototype other than Object's.
 */
export function canonical(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value !== "object" || value === null)
    return `${typeof value}:${JSON.stringify(value)}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const proto = Object.getPrototypeOf(value) === Object.prototype ? "" : "!proto";
  const entries = Object.keys(value).map(
    (k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`,
  );
  return `${proto}{${entries.join(",")}}`;
}

/** Every key path in a value, the root's empty path first. */
export function pathsOf(value: unknown, prefix: KeyPath = []): KeyPath[] {
  const paths: KeyPath[] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      paths.push(...pathsOf(v, [...prefix, i]));
    });
  } else if (typeof value === "object" && value !== null)
    for (const k of Object.keys(value))
      paths.push(...pathsOf((value as Record<string, unknown>)[k], [...prefix, k]));
  return paths;
}

/** Paths that lead nowhere from an existing one: missing keys, indexes past the end, wrong kinds. */
function missingFrom(path: KeyPath): KeyPath[] {
  return [
    [...path, "no such key"],
    [...path, 0],
    [...path, "0"],
    [...path, 99],
    [...path, -1],
    [...path, 1.5],
    [...path, "no such key", "deeper"],
  ];
}

/**
 * Parses `text` both ways. When the subset parser accepts it, everything a
 * caller can see must equal what the yaml package gives; when the yaml
 * package reports any problem, the subset parser must not have accepted it.
 * Returns whether the subset parser accepted.
 */
export function compareWithYaml(text: string): boolean {
  const full = parseWithYaml(text, "t.yaml");
  const fast = parseYamlSubset(text, "t.yaml");
  if (!fast) return false;
  expect(full.problems, "the yaml package has problems with text the subset accepted").toEqual([]);
  expectSameFile(fast, full);
  return true;
}

function expectSameFile(fast: SourceFile, full: SourceFile): void {
  expect(fast.documents.map((d) => d.index)).toEqual(full.documents.map((d) => d.index));
  fast.documents.forEach((doc, i) => {
    const other = full.documents[i]!;
    expect(doc.text).toBe(other.text);
    expect(doc.position).toEqual(other.position);
    expect(canonical(doc.value)).toBe(canonical(other.value));
    for (const path of pathsOf(other.value)) {
      for (const p of [path, ...missingFrom(path)]) {
        for (const key of [false, true]) {
          expect(doc.locate(p, { key }), `${JSON.stringify(p)} key=${key}`).toEqual(
            other.locate(p, { key }),
          );
        }
      }
    }
    expect(doc.locate([])).toEqual(other.locate([]));
  });
}
