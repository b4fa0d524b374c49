import type { Assertion } from "../config/model.js";
import { isHtml } from "../judge/diagnose.js";
import { compilePath, locationLabel } from "../judge/select.js";
import { show } from "../judge/values.js";
import { parseJson } from "../run/read-body.js";
import type { HttpResponse } from "../run/observation.js";

/** A changed copy of a real response, and the words that name it. */
export interface Mutation {
  /** Completes "this gate stays green when …". */
  describe: string;
  /** A gate that stays green on this mutation cannot protect a release. */
  fatal: boolean;
  response: HttpResponse;
}

const ERROR_PAGE =
  "<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>Something went wrong.</p></body></html>";
const APP_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example</title></head><body><div id="app">Page not found</div><script type="module" src="/app.js"></script></body></html>';

function withBody(res: HttpResponse, text: string, contentType: string, status = res.status) {
  const headers: Record<string, string> = { ...res.headers, "content-type": contentType };
  delete headers["content-length"];
  return {
    ...res,
    status,
    headers,
    mediaType: contentType.split(";")[0]!.trim(),
    text,
    bytes: Buffer.byteLength(text),
    json: parseJson(text),
  } satisfies HttpResponse;
}

function withJson(res: HttpResponse, value: unknown): HttpResponse {
  const text = JSON.stringify(value);
  return { ...res, text, bytes: Buffer.byteLength(text), json: { ok: true, value } };
}

/**
 * The mutations every response gets, whatever the gate asserts. A gate whose
 * real answer is itself an HTML page (a frontend) is not expected to refuse one.
 */
export function responseMutations(res: HttpResponse): Mutation[] {
  const json = res.headers["content-type"] ?? "application/json";
  const mutations: Mutation[] = [
    {
      describe: "the status is 500 with the same body",
      fatal: true,
      response: { ...res, status: 500 },
    },
    {
      describe: "the status is 500 with an HTML error page",
      fatal: true,
      response: withBody(res, ERROR_PAGE, "text/html; charset=utf-8", 500),
    },
  ];
  if (!isHtml(res))
    mutations.push({
      describe: "the response is a 200 HTML page",
      fatal: true,
      response: withBody(res, APP_PAGE, "text/html; charset=utf-8", 200),
    });
  mutations.push(
    { describe: "the body is empty", fatal: false, response: withBody(res, "", json) },
    { describe: "the body is {}", fatal: false, response: withBody(res, "{}", json) },
  );
  return mutations;
}

type Location = Array<string | number>;

interface Node {
  value: unknown;
  location: Location;
}

function nodesOf(path: string, doc: unknown): { singular: boolean; nodes: Node[] } {
  const query = compilePath(path);
  const nodes = query
    .query(doc as never)
    .nodes.map((n) => ({ value: n.value as unknown, location: [...n.location] }));
  return { singular: query.singularQuery(), nodes };
}

/** The items an assertion judges: inside a singular array for count, every and some. */
function itemsOf(a: Assertion, doc: unknown): Node[] {
  const { singular, nodes } = nodesOf(a.path, doc);
  const looksInside = a.count !== undefined || a.every !== undefined || a.some !== undefined;
  const only = nodes[0];
  if (singular && looksInside && nodes.length === 1 && Array.isArray(only!.value))
    return (only!.value as unknown[]).map((value, i) => ({
      value,
      location: [...only!.location, i],
    }));
  return nodes;
}

function parentOf(doc: unknown, location: Location): Record<string | number, unknown> | undefined {
  let here: unknown = doc;
  for (const seg of location.slice(0, -1)) {
    if (here === null || typeof here !== "object") return undefined;
    here = (here as Record<string | number, unknown>)[seg];
  }
  return here !== null && typeof here === "object"
    ? (here as Record<string | number, unknown>)
    : undefined;
}

function setAt(doc: unknown, location: Location, value: unknown): unknown {
  if (location.length === 0) return value;
  const parent = parentOf(doc, location);
  if (parent) parent[location.at(-1)!] = value;
  return doc;
}

function removeAt(doc: unknown, location: Location): void {
  const parent = parentOf(doc, location);
  const key = location.at(-1);
  if (!parent || key === undefined) return;
  if (Array.isArray(parent) && typeof key === "number") parent.splice(key, 1);
  else delete parent[key];
}

/** A different value of the same kind: booleans flip, numbers cross the assertion's bounds. */
function changed(value: unknown, a: Assertion): unknown {
  if (typeof value === "boolean") return !value;
  if (typeof value === "number") {
    if (a.lessThan !== undefined) return Math.max(a.lessThan, value + 1);
    if (a.greaterThan !== undefined) return Math.min(a.greaterThan, value - 1);
    return value + 1;
  }
  if (typeof value === "string") return value === "" ? "changed" : "";
  if (value === null) return false;
  if (Array.isArray(value)) return value.length > 0 ? value.slice(1) : [null];
  return {};
}

/** The field to change in an object item: the one a pattern looks at, else `ok`, a boolean, a scalar. */
function fieldToChange(item: Record<string, unknown>, a: Assertion): string | undefined {
  const pattern = a.every ?? a.some;
  if (pattern !== null && typeof pattern === "object" && !Array.isArray(pattern))
    return Object.keys(pattern).find((k) => Object.hasOwn(item, k));
  const keys = Object.keys(item);
  return (
    keys.find((k) => k === "ok" && typeof item[k] === "boolean") ??
    keys.find((k) => typeof item[k] === "boolean") ??
    keys.find((k) => item[k] === null || typeof item[k] !== "object")
  );
}

/** Changes one selected value: the field a pattern looks at (`checks[23].ok`), or the value itself. */
function changeItem(doc: unknown, item: Node, a: Assertion): { doc: unknown; describe: string } {
  const value = item.value;
  const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
  const field = isObject ? fieldToChange(value as Record<string, unknown>, a) : undefined;
  if (field !== undefined) {
    const location = [...item.location, field];
    const next = changed((value as Record<string, unknown>)[field], a);
    return {
      doc: setAt(doc, location, next),
      describe: `${locationLabel(location)} is ${show(next)}`,
    };
  }
  const next = changed(value, a);
  const where = item.location.length > 0 ? locationLabel(item.location) : "the body";
  return { doc: setAt(doc, item.location, next), describe: `${where} is ${show(next)}` };
}

/** The path's leading plain names and indices (`$.checks` of `$.checks[?@.ok == false]`). */
function concretePrefix(path: string): string {
  const m = /^\$(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\['[^'\\]*'\]|\["[^"\\]*"\])*/.exec(
    path.trim(),
  );
  return m?.[0] ?? "$";
}

/** Removes selected nodes until the path selects nothing; a bounded loop for shifting slices. */
function emptySelection(doc: unknown, a: Assertion): unknown {
  const looksInside = a.count !== undefined || a.every !== undefined || a.some !== undefined;
  const current = doc;
  for (let round = 0; round < 1000; round++) {
    const { singular, nodes } = nodesOf(a.path, current);
    if (nodes.length === 0) return current;
    const only = nodes[0]!;
    if (singular && looksInside && Array.isArray(only.value))
      return setAt(current, only.location, []);
    if (nodes.some((n) => n.location.length === 0)) return Array.isArray(current) ? [] : {};
    const sorted = [...nodes].sort((x, y) => compareLocations(y.location, x.location));
    for (const n of sorted) removeAt(current, n.location);
  }
  return current;
}

function compareLocations(a: Location, b: Location): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x).localeCompare(String(y));
  }
  return a.length - b.length;
}

/** Per body assertion: one selected value changed, one selected item removed, the selection emptied. */
export function assertionMutations(res: HttpResponse, a: Assertion): Mutation[] {
  if (!res.json?.ok) return [];
  const doc = res.json.value;
  const copy = () => structuredClone(doc);
  const out: Mutation[] = [];
  const items = itemsOf(a, doc);
  const target = items[0];
  if (target) {
    const change = changeItem(copy(), target, a);
    out.push({ describe: change.describe, fatal: false, response: withJson(res, change.doc) });
    if (target.location.length > 0) {
      const removed = copy();
      removeAt(removed, target.location);
      out.push({
        describe: `${locationLabel(target.location)} is missing`,
        fatal: false,
        response: withJson(res, removed),
      });
    }
  }
  // An already empty selection is emptied at its root: the list it filters disappears.
  let emptied: unknown;
  if (items.length > 0) emptied = emptySelection(copy(), a);
  else {
    const prefix = nodesOf(concretePrefix(a.path), doc).nodes[0];
    if (prefix) {
      emptied = copy();
      if (prefix.location.length === 0) emptied = Array.isArray(doc) ? [] : {};
      else removeAt(emptied, prefix.location);
    }
  }
  if (emptied !== undefined && JSON.stringify(emptied) !== JSON.stringify(doc)) {
    out.push({
      describe: `${a.path} selects nothing`,
      fatal: true,
      response: withJson(res, emptied),
    });
  }
  return out;
}
