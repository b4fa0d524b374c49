import { FunctionExpressionType, JSONPathEnvironment, type JSONPathQuery } from "json-p3";
import { RE2JS } from "re2js";

/** A selected value and where it was found, as `checks[23]`. */
export interface Selected {
  value: unknown;
  location: string;
}

export interface Selection {
  singular: boolean;
  nodes: Selected[];
}

/** RFC 9535's match() and search(), in linear time with RE2 instead of backtracking RegExp. */
class Re2Function {
  readonly argTypes = [FunctionExpressionType.ValueType, FunctionExpressionType.ValueType];
  readonly returnType = FunctionExpressionType.LogicalType;
  constructor(private readonly whole: boolean) {}
  call(value: unknown, pattern: unknown): boolean {
    if (typeof value !== "string" || typeof pattern !== "string") return false;
    const re = compileRegex(pattern);
    if (!re) return false;
    return this.whole ? re.matches(value) : re.matcher(value).find();
  }
}

let environment: JSONPathEnvironment | undefined;
const queries = new Map<string, JSONPathQuery>();
const regexes = new Map<string, RE2JS | null>();

function env(): JSONPathEnvironment {
  if (!environment) {
    environment = new JSONPathEnvironment({ maxRecursionDepth: 1000 });
    environment.functionRegister.set("match", new Re2Function(true));
    environment.functionRegister.set("search", new Re2Function(false));
  }
  return environment;
}

/** Compiles a JSONPath once; throws a JSONPathError with a message for bad syntax. */
export function compilePath(path: string): JSONPathQuery {
  let q = queries.get(path);
  if (!q) {
    q = env().compile(path);
    queries.set(path, q);
  }
  return q;
}

/** An RE2 regular expression, or null when the pattern is not valid RE2 syntax. */
export function compileRegex(pattern: string): RE2JS | null {
  let re = regexes.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch {
      re = null;
    }
    regexes.set(pattern, re);
  }
  return re;
}

export function select(path: string, document: unknown): Selection {
  const query = compilePath(path);
  const nodes = query
    .query(document as never)
    .nodes.map((n) => ({ value: n.value as unknown, location: locationLabel(n.location) }));
  return { singular: query.singularQuery(), nodes };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Where a value was found, as a person reads it: `checks[23].ok`, with a
 * name that is not an identifier quoted (`headers["x-id"]`); `$` for the root.
 */
export function locationLabel(location: ReadonlyArray<string | number>): string {
  let out = "";
  for (const part of location) {
    if (typeof part === "number") out += `[${part}]`;
    else if (IDENTIFIER.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out || "$";
}
