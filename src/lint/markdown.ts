/** What the runbook checks read from a Markdown file: URLs and code, with positions. */
export interface FoundUrl {
  url: string;
  line: number;
  column: number;
}

export interface CodeLine {
  /** The logical line (backslash continuations joined). */
  text: string;
  line: number;
  column: number;
  /** The fence's info string, such as `sh` or `yaml`; empty for inline code. */
  lang: string;
  /** An inline code span in prose (`` `shipgate lint` ``), not a line of a fenced block. */
  inline?: true;
}

const URL_RE = /https?:\/\/[^\s<>()[\]{}"'`|\\^]+/g;

export function findUrls(text: string): FoundUrl[] {
  const found: FoundUrl[] = [];
  text.split("\n").forEach((line, i) => {
    for (const m of line.matchAll(URL_RE)) {
      // Sentence punctuation after a URL is not part of it.
      const url = m[0].replace(/[.,;:!?*_]+$/, "");
      found.push({ url, line: i + 1, column: (m.index ?? 0) + 1 });
    }
  });
  return found;
}

/**
 * Lines inside ``` or ~~~ fences, with continuation lines joined to the line
 * they continue, and the inline code spans of the lines outside fences.
 */
export function codeLines(text: string): CodeLine[] {
  const out: CodeLine[] = [];
  let fence: { marker: string; lang: string } | undefined;
  let pending: CodeLine | undefined;
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    const open = /^\s{0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
    if (!fence) {
      if (open) fence = { marker: open[1]!, lang: open[2] ?? "" };
      else out.push(...inlineSpans(line, i + 1));
      return;
    }
    if (open && open[1]!.startsWith(fence.marker) && line.trim() === open[1]) {
      fence = undefined;
      pending = undefined;
      return;
    }
    const continued = /\\\s*$/.test(line);
    const body = continued ? line.replace(/\\\s*$/, " ") : line;
    if (pending) pending.text += ` ${body.trim()}`;
    else {
      const column = line.length - line.trimStart().length + 1;
      pending = { text: body.trim(), line: i + 1, column, lang: fence.lang };
    }
    if (!continued) {
      out.push(pending);
      pending = undefined;
    }
  });
  return out;
}

/** Code spans of one line: a run of backticks up to the next run of the same length. */
function inlineSpans(line: string, lineNumber: number): CodeLine[] {
  const spans: CodeLine[] = [];
  const ticks = /`+/g;
  for (let open = ticks.exec(line); open; open = ticks.exec(line)) {
    const start = open.index + open[0].length;
    let close = ticks.exec(line);
    while (close && close[0].length !== open[0].length) close = ticks.exec(line);
    if (!close) break;
    const body = line.slice(start, close.index);
    const text = body.trim();
    if (text) {
      const column = start + (body.length - body.trimStart().length) + 1;
      spans.push({ text, line: lineNumber, column, lang: "", inline: true });
    }
  }
  return spans;
}

/** Shell-like words: quotes group, operators split; `#` starts a comment. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (c === "#" && !inWord) {
      break;
    } else if ("|&;<>()".includes(c)) {
      if (inWord) words.push(word);
      let op = c;
      while (i + 1 < text.length && "|&;<>".includes(text[i + 1]!)) op += text[++i];
      words.push(op);
      word = "";
      inWord = false;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

const OPERATORS = /^[|&;<>()]+$/;
/** Words after which a command starts: prompts, list items, YAML `run:`, wrappers. */
const STARTERS = new Set(["$", ">", "-", "run:", "time", "exec", "env", "sudo", "then", "do"]);

/** Each `shipgate ...` invocation on a line, as its argument words. */
export function shipgateInvocations(text: string): string[][] {
  const words = shellWords(text);
  const found: string[][] = [];
  let commandStart = true;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (OPERATORS.test(w)) {
      commandStart = true;
      continue;
    }
    if (!commandStart) continue;
    if (STARTERS.has(w) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) continue;
    let at = i;
    if (w === "npx" || (w === "npm" && words[i + 1] === "exec")) {
      at = w === "npm" ? i + 2 : i + 1;
      while (at < words.length && words[at]!.startsWith("-")) at += words[at] === "-p" ? 2 : 1;
      if (words[at] === "--") at++;
    } else if (w === "node" && /(^|\/)shipgate(\.js)?$/.test(words[i + 1] ?? "")) at = i + 1;
    const command = words[at] ?? "";
    commandStart = false;
    if (!/^(?:.*\/)?shipgate(?:@[^\s/]+)?(?:\.js)?$/.test(command)) continue;
    const args: string[] = [];
    for (at++; at < words.length && !OPERATORS.test(words[at]!); at++) args.push(words[at]!);
    found.push(args);
    i = at - 1;
  }
  return found;
}
