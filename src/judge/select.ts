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
    .nodes.map((n) => ({ value: n.value as unknown, location: shortLocation(n.path) }));
  return { singular: query.singularQuery(), nodes };
}

/** `$['checks'][23]['ok']` becomes `checks[23].ok`. */
export function shortLocation(normalized: string): string {
  let out = "";
  const re = /\[(?:'((?:[^'\\]|\\.)*)'|(\d+))\]/g;
  for (const m of normalized.matchAll(re)) {
    if (m[2] !== undefined) out += `[${m[2]}]`;
    else {
      const name = m[1]!.replace(/\\(.)/g, "$1");
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
        ? out
          ? `.${name}`
          : name
        : `[${JSON.stringify(name)}]`;
    }
  }
  return out || "$";
}
