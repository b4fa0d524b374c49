// Random YAML-ish text for the differential test: documents of the subset in
// many styles, plus constructs outside it and damage (stray indicators,
// tabs, anchors, block scalars, duplicate lines, cuts).
import fc from "fast-check";
import { DAMAGE, ESCAPES, KEYS, PLAIN, WORDS } from "./words.js";

const word = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...PLAIN) },
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.constantFrom(..."ab0. -:#,'\"[]{}\\!&*|>?%@`~\u00e9\t".split("")),
      maxLength: 6,
    }),
  },
);

/** A scalar written in one of several styles, some of them broken. */
const scalar = fc.oneof(
  { weight: 6, arbitrary: word },
  { weight: 2, arbitrary: word.map((w) => `'${w.replaceAll("'", "''")}'`) },
  {
    weight: 2,
    arbitrary: word.map((w) => `"${w.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`),
  },
  fc
    .tuple(word, fc.constantFrom(...ESCAPES), word)
    .map(([a, e, b]) => `"${a.replaceAll('"', "")}${e}${b.replaceAll('"', "")}"`),
  word.map((w) => `'${w}'`),
  word.map((w) => `"${w}"`),
);

const key = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...KEYS).map((k) => `"${k}"`) },
  { weight: 1, arbitrary: fc.constantFrom(...KEYS, "0", "1.5").map((k) => `'${k}'`) },
  { weight: 1, arbitrary: scalar },
);

type Tree = { s: string } | { m: Array<[string, Tree]> } | { q: Tree[] };

const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar.map((s) => ({ s })),
    fc
      .uniqueArray(fc.tuple(key, tie("tree")), { maxLength: 4, selector: ([k]) => k })
      .map((m) => ({ m })),
    fc.array(tie("tree"), { maxLength: 4 }).map((q) => ({ q })),
  ),
}));

interface Style {
  step: number;
  flow: boolean;
  compact: boolean;
  sameColumnSeq: boolean;
  comment: string;
}

const style: fc.Arbitrary<Style> = fc.record({
  step: fc.integer({ min: 1, max: 4 }),
  flow: fc
    .boolean()
    .chain((b) => (b ? fc.boolean() : fc.constant(false)))
    .chain((b) => (b ? fc.boolean() : fc.constant(false))),
  compact: fc.boolean(),
  sameColumnSeq: fc.boolean(),
  comment: fc.constantFrom("", "", "", "", " # c", "  #c", " #", "\n# line", "\n   # line", "\n"),
});

function flow(t: Tree): string {
  if ("s" in t) return t.s;
  if ("m" in t) return `{ ${t.m.map(([k, v]) => `${k}: ${flow(v)}`).join(", ")} }`;
  return `[${t.q.map(flow).join(", ")}]`;
}

/** Lines of a block collection (or `key: scalar` values) at `indent`. */
function block(t: Tree, indent: number, st: Style, styles: Style[]): string[] {
  const pad = " ".repeat(indent);
  const next = styles[(indent + 1) % styles.length] ?? st;
  if ("s" in t) return [`${pad}${t.s}${st.comment}`];
  if (st.flow || ("m" in t ? t.m.length : t.q.length) === 0)
    return [`${pad}${flow(t)}${st.comment}`];
  const out: string[] = [];
  const child = (v: Tree, head: string, col: number, seqOk: boolean) => {
    const empty = "m" in v ? v.m.length === 0 : "q" in v && v.q.length === 0;
    if ("s" in v || next.flow || empty)
      out.push(`${head} ${"s" in v ? v.s : flow(v)}${next.comment}`);
    else {
      out.push(head + st.comment);
      const deeper = seqOk && next.sameColumnSeq && "q" in v ? col : col + next.step;
      out.push(...block(v, deeper, next, styles));
    }
  };
  if ("m" in t) for (const [k, v] of t.m) child(v, `${pad}${k}:`, indent, true);
  else
    for (const v of t.q) {
      if (st.compact && "m" in v && v.m.length > 0 && !next.flow) {
        const inner = block(v, indent + 2, next, styles);
        out.push(`${pad}- ${inner[0]?.trimStart()}`, ...inner.slice(1));
      } else child(v, `${pad}-`, indent, false);
    }
  return out;
}

type Edit = (text: string) => string;

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom(...DAMAGE)).map(
    ([at, s]) =>
      (t: string) =>
        t.slice(0, at % (t.length + 1)) + s + t.slice(at % (t.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 6 })).map(([at, n]) => (t: string) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + t.slice(i + n);
  }),
  fc.nat().map((at) => (t: string) => t.slice(0, at % (t.length + 1))),
  fc.nat().map((at) => (t: string) => {
    const lines = t.split("\n");
    const i = at % lines.length;
    lines.splice(i, 0, lines[i] ?? "");
    return lines.join("\n");
  }),
  fc.tuple(fc.nat(), fc.integer({ min: -2, max: 2 })).map(([at, d]) => (t: string) => {
    const lines = t.split("\n");
    const i = at % lines.length;
    const line = lines[i] ?? "";
    lines[i] = d > 0 ? " ".repeat(d) + line : line.slice(Math.min(-d, line.search(/\S|$/)));
    return lines.join("\n");
  }),
);

/** A file of one to three documents, sometimes damaged. */
export const yamlText: fc.Arbitrary<string> = fc
  .record({
    docs: fc.array(
      fc.record({
        body: fc.oneof(
          { weight: 1, arbitrary: tree },
          {
            weight: 4,
            arbitrary: fc
              .uniqueArray(fc.tuple(key, tree), {
                minLength: 1,
                maxLength: 6,
                selector: ([k]) => k,
              })
              .map((m): Tree => ({ m })),
          },
        ),
        styles: fc.array(style, { minLength: 1, maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    leading: fc.constantFrom("", "---\n", "# head\n", "\n", "# head\n---\n"),
    trailing: fc.constantFrom("", "\n", "# tail\n", "\n\n", "---\n", "  # tail"),
    edits: fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: fc.array(edit, { minLength: 1, maxLength: 3 }) },
    ),
  })
  .map(({ docs, leading, trailing, edits }) => {
    const texts = docs.map(
      ({ body, styles }) =>
        `${block(body, 0, { ...styles[0]!, flow: false }, styles).join("\n")}\n`,
    );
    const text = leading + texts.join("---\n") + trailing;
    return edits.reduce((t, e) => e(t), text);
  });
