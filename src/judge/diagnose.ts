import type { HttpResponse } from "../run/observation.js";

const REQUEST_ID_HEADERS = [
  "x-request-id",
  "x-correlation-id",
  "request-id",
  "x-amzn-requestid",
  "x-amz-request-id",
  "x-trace-id",
  "cf-ray",
  "traceparent",
];

/** Excerpts are at least this long when the body has that much text. */
export const EXCERPT_LENGTH = 400;

/** True when the response is an HTML page, by content type or by its first bytes. */
export function isHtml(res: HttpResponse): boolean {
  if (res.mediaType === "text/html" || res.mediaType === "application/xhtml+xml") return true;
  const start = res.text.trimStart().slice(0, 100).toLowerCase();
  return (
    start.startsWith("<!doctype html") ||
    start.startsWith("<html") ||
    start.startsWith("<head") ||
    start.startsWith("<body")
  );
}

export function htmlTitle(html: string): string | undefined {
  const m = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html.slice(0, 64 * 1024));
  const title = m?.[1] ? collapse(decodeEntities(m[1])) : "";
  return title || undefined;
}

/** The body as readable text: scripts, styles and tags removed, entities decoded, whitespace collapsed. */
export function bodyText(res: HttpResponse, limit = EXCERPT_LENGTH): string {
  let text = res.text.slice(0, 256 * 1024);
  if (isHtml(res) || text.trimStart().startsWith("<")) {
    text = text
      .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, " ")
      .replace(/<!--[\s\S]*?-->/g, " ")
      .replace(/<[^>]*>/g, " ");
    text = decodeEntities(text);
  }
  return cutAtBoundary(collapse(text), limit);
}

/** An excerpt keeps at least this much text when it can cut there. */
const MIN_EXCERPT = 200;

/**
 * Cuts text before `limit` at a space, else at punctuation such as `,` or
 * `}`, never inside a word when it can help it: a secret echoed in the body
 * must not be shown in part, where redaction cannot recognise it. A cut
 * keeps at least 200 characters when such a boundary exists there.
 */
export function cutAtBoundary(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const head = text.slice(0, limit + 1);
  const spaces = [...head.matchAll(/\s/g)].map((m) => m.index);
  const marks = [...head.matchAll(/[,;{}[\]()<>]/g)].map((m) => m.index + 1);
  const cut =
    spaces.findLast((i) => i >= MIN_EXCERPT) ??
    marks.findLast((i) => i >= MIN_EXCERPT && i <= limit) ??
    spaces.findLast((i) => i > 0) ??
    marks.findLast((i) => i <= limit) ??
    limit;
  return `${text.slice(0, cut).trimEnd()}…`;
}

export function requestId(res: HttpResponse): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = res.headers[name];
    if (value) return `${name}: ${value}`;
  }
  return undefined;
}

/** `500, text/html, 1234 bytes`. */
export function describeResponse(res: HttpResponse): string {
  const type = res.headers["content-type"] ?? "no content type";
  return `${res.status}, ${type}, ${res.bytes} bytes`;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith("#x") || name.startsWith("#X"))
      return safeChar(Number.parseInt(name.slice(2), 16)) ?? whole;
    if (name.startsWith("#")) return safeChar(Number.parseInt(name.slice(1), 10)) ?? whole;
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function safeChar(code: number): string | undefined {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff
    ? String.fromCodePoint(code)
    : undefined;
}
