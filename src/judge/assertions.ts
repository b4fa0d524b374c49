import type { Assertion } from "../config/model.js";
import type { Failure } from "./failure.js";
import { compileRegex, type Selected, select } from "./select.js";
import { deepEqual, jsonType, mismatch, show } from "./values.js";

/** The outcome of one body assertion. */
export interface AssertionResult {
  path: string;
  /** Items judged, and how many of them passed. */
  selected: number;
  passed: number;
  /** Names of what was selected (their `name` field, or their location). */
  names: string[];
  failures: Failure[];
}

const MAX_LISTED = 10;

/**
 * Judges one assertion against a parsed JSON body. Singular paths give one
 * value, other paths a list; an empty selection is red unless the assertion
 * is `count: 0` or `exists: false`.
 */
export function judgeAssertion(assertion: Assertion, document: unknown): AssertionResult {
  const { singular, nodes } = select(assertion.path, document);
  // count, every and some look inside a singular array: `$.checks` with `count: 27`.
  const items: Selected[] =
    singular && nodes.length === 1 && Array.isArray(nodes[0]!.value)
      ? (nodes[0]!.value as unknown[]).map((value, i) => ({
          value,
          location: `${nodes[0]!.location}[${i}]`,
        }))
      : nodes;
  const listed =
    assertion.count !== undefined || assertion.every !== undefined || assertion.some !== undefined
      ? items
      : nodes;
  const result: AssertionResult = {
    path: assertion.path,
    selected: listed.length,
    passed: 0,
    names: listed.map(nameOf),
    failures: [],
  };
  const fail = (kind: Failure["kind"], message: string) =>
    result.failures.push({ kind, message, position: assertion.position, path: assertion.path });

  const allowsEmpty = assertion.count === 0 || assertion.exists === false;
  const emptyNodes = nodes.length === 0;
  const emptyItems = items.length === 0;
  if ((emptyNodes || (emptyItems && usesItems(assertion))) && !allowsEmpty) {
    fail(
      "empty-selection",
      `${assertion.path} selected nothing${emptyNodes ? "" : " (an empty list)"}`,
    );
    return result;
  }

  if (assertion.exists !== undefined && assertion.exists === emptyNodes) {
    fail(
      "assertion",
      assertion.exists
        ? `${assertion.path} selected nothing, expected it to exist`
        : `${assertion.path} exists (${listNames(nodes)}), expected nothing`,
    );
  }
  if (assertion.count !== undefined && items.length !== assertion.count) {
    fail(
      "assertion",
      `${assertion.path} selected ${items.length} item(s), expected ${assertion.count}: ${listNames(items)}`,
    );
  }
  // Judged even when `count: 0` or `exists: false` allowed an empty selection:
  // nothing is not equal to a value, and an empty list only to [].
  if (assertion.equals !== undefined) {
    const actual = singular ? nodes[0]?.value : nodes.map((n) => n.value);
    if (actual === undefined)
      fail("assertion", `${assertion.path} selected nothing, expected ${show(assertion.equals)}`);
    else if (!deepEqual(actual, assertion.equals))
      fail("assertion", `${assertion.path} is ${show(actual)}, expected ${show(assertion.equals)}`);
  }

  const perItem: Selected[] = singular ? nodes.slice(0, 1) : nodes;
  const bad = new Set<number>();
  let perItemFailures = 0;
  const judgeEach = (
    list: Selected[],
    check: (v: unknown) => string | undefined,
    label: string,
  ) => {
    const wrong: string[] = [];
    list.forEach((item, i) => {
      const why = check(item.value);
      if (why) {
        bad.add(i);
        wrong.push(`${nameOf(item)}: ${why}`);
      }
    });
    if (wrong.length > 0) perItemFailures++;
    if (wrong.length > 0)
      fail(
        "assertion",
        `${label} failed for ${wrong.length} of ${list.length}: ${limitList(wrong)}`,
      );
  };
  if (assertion.every !== undefined)
    judgeEach(items, (v) => mismatch(v, assertion.every), `every ${show(assertion.every)}`);
  // `some` needs one match, so an empty list allowed by `count: 0` still fails it.
  if (
    assertion.some !== undefined &&
    !items.some((item) => mismatch(item.value, assertion.some) === undefined)
  ) {
    fail(
      "assertion",
      emptyItems
        ? `${assertion.path} selected nothing, expected some item to match ${show(assertion.some)}`
        : `none of ${items.length} matches ${show(assertion.some)}: ${limitList(items.map((i) => `${nameOf(i)}: ${mismatch(i.value, assertion.some)}`))}`,
    );
  }
  if (assertion.type !== undefined)
    judgeEach(perItem, (v) => typeMismatch(v, assertion.type!), `type ${show(assertion.type)}`);
  if (assertion.matches !== undefined)
    judgeEach(
      perItem,
      (v) => regexMismatch(v, assertion.matches!),
      `matches ${show(assertion.matches)}`,
    );
  if (assertion.oneOf !== undefined) {
    judgeEach(
      perItem,
      (v) =>
        assertion.oneOf!.some((o) => deepEqual(o, v))
          ? undefined
          : `${show(v)} is not one of ${show(assertion.oneOf)}`,
      "oneOf",
    );
  }
  if (assertion.lessThan !== undefined)
    judgeEach(
      perItem,
      (v) => compare(v, assertion.lessThan!, "<"),
      `lessThan ${assertion.lessThan}`,
    );
  if (assertion.greaterThan !== undefined)
    judgeEach(
      perItem,
      (v) => compare(v, assertion.greaterThan!, ">"),
      `greaterThan ${assertion.greaterThan}`,
    );

  // A failed whole-list check (equals, count, exists, some) leaves nothing to call ok.
  const wholeListFailed = result.failures.length > perItemFailures;
  result.passed = wholeListFailed ? 0 : Math.max(0, result.selected - bad.size);
  return result;
}

function usesItems(a: Assertion): boolean {
  return a.every !== undefined || a.some !== undefined || a.count !== undefined;
}

function typeMismatch(value: unknown, want: string | string[]): string | undefined {
  const wanted = Array.isArray(want) ? want : [want];
  const actual = jsonType(value);
  const ok = wanted.some((t) => t === actual || (t === "integer" && Number.isInteger(value)));
  return ok ? undefined : `${show(value)} is ${actual}, expected ${wanted.join(" or ")}`;
}

function regexMismatch(value: unknown, pattern: string): string | undefined {
  if (typeof value !== "string")
    return `${show(value)} is ${jsonType(value)}, expected a string matching ${show(pattern)}`;
  const re = compileRegex(pattern);
  if (!re) return `the pattern ${show(pattern)} is not a valid RE2 regular expression`;
  return re.matcher(value).find() ? undefined : `${show(value)} does not match ${show(pattern)}`;
}

function compare(value: unknown, bound: number, op: "<" | ">"): string | undefined {
  if (typeof value !== "number") return `${show(value)} is ${jsonType(value)}, expected a number`;
  const ok = op === "<" ? value < bound : value > bound;
  return ok ? undefined : `${value} is not ${op === "<" ? "less" : "greater"} than ${bound}`;
}

/** `checks[23] (queue)` when the item has a name, else its location. */
export function nameOf(item: Selected): string {
  const v = item.value;
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const name = (v as Record<string, unknown>).name ?? (v as Record<string, unknown>).id;
    if (typeof name === "string" || typeof name === "number") return `${item.location} (${name})`;
  }
  return item.location;
}

function listNames(items: Selected[]): string {
  return items.length === 0 ? "nothing" : limitList(items.map(nameOf));
}

function limitList(list: string[]): string {
  const shown = list.slice(0, MAX_LISTED).join("; ");
  return list.length > MAX_LISTED ? `${shown}; and ${list.length - MAX_LISTED} more` : shown;
}
