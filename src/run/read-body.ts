import { JsonByteParser, JsonSyntaxError } from "./json-stream.js";
import type { HttpResponse } from "./observation.js";

/** How much of a body HttpResponse.text keeps: enough for HTML detection, titles and excerpts. */
export const TEXT_PREFIX_BYTES = 256 * 1024;

/**
 * Bodies up to this many bytes are held whole and parsed by JSON.parse, as
 * they always were; a longer one is parsed as its chunks arrive, so only its
 * value and its first TEXT_PREFIX_BYTES as text remain. At 1 MiB every usual
 * response keeps JSON.parse (faster, and its error offsets count characters),
 * while what one held body costs, its bytes plus its text, stays near 3 MiB.
 */
export const STREAM_JSON_ABOVE = 1024 * 1024;

/** The parts of an HttpResponse that come from its body. */
export type BodyParts = Pick<HttpResponse, "text" | "bytes" | "json">;

export class BodyTooLarge extends Error {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`the body exceeds the ${limit}-byte limit`);
  }
}

/** A response body as undici gives it: Buffer chunks, and a way to stop reading. */
export interface BodyStream extends AsyncIterable<unknown> {
  destroy(): unknown;
}

/**
 * Reads a body to its end, never holding more than maxBytes (BodyTooLarge).
 * Past STREAM_JSON_ABOVE bytes its JSON is parsed from the chunks as they
 * come; a streamed body found invalid is still read to its end, so the size
 * limit and the request's deadline apply as they do to any other.
 */
export async function readBody(
  body: BodyStream,
  declared: number,
  maxBytes: number,
): Promise<BodyParts> {
  const held = new HeldBytes(declared);
  let streamed: StreamedJson | undefined;
  // Set when the first STREAM_JSON_ABOVE bytes are only whitespace: such a body is held whole.
  let onlySpace = false;
  let bytes = 0;
  for await (const data of body) {
    const chunk = data as Buffer;
    if (bytes + chunk.length > maxBytes) {
      body.destroy();
      throw new BodyTooLarge(bytes + chunk.length, maxBytes);
    }
    bytes += chunk.length;
    if (streamed) streamed.push(chunk);
    else {
      held.push(chunk);
      if (bytes > STREAM_JSON_ABOVE && !onlySpace) {
        const head = held.take();
        streamed = StreamedJson.start(head);
        onlySpace = !streamed;
        if (onlySpace) held.push(head);
      }
    }
  }
  if (streamed) return { text: streamed.text, bytes, json: streamed.finish() };
  return wholeBody(held.take());
}

function wholeBody(bytes: Buffer): BodyParts {
  let body: Buffer | undefined = bytes;
  const length = body.length;
  const whole = body.toString("utf8");
  const text = length <= TEXT_PREFIX_BYTES ? whole : textPrefix(body);
  // Parsing a large body needs room; the bytes are no longer needed by then.
  body = undefined;
  return { text, bytes: length, json: parseJson(whole) };
}

/**
 * The chunks read so far. With a Content-Length up to STREAM_JSON_ABOVE they
 * go straight into a buffer of that size, so the body is held once, not as
 * chunks and then their concatenation as well.
 */
class HeldBytes {
  #sized: Buffer | undefined;
  #chunks: Buffer[] = [];
  #length = 0;

  constructor(declared: number) {
    if (Number.isSafeInteger(declared) && declared >= 0 && declared <= STREAM_JSON_ABOVE)
      this.#sized = Buffer.allocUnsafe(declared);
  }

  push(chunk: Buffer): void {
    const sized = this.#sized;
    if (sized && this.#chunks.length === 0 && this.#length + chunk.length <= sized.length)
      chunk.copy(sized, this.#length);
    else {
      // More than the server declared: keep what came so far, and the rest, as chunks.
      if (sized && this.#chunks.length === 0) this.#chunks.push(sized.subarray(0, this.#length));
      this.#chunks.push(chunk);
    }
    this.#length += chunk.length;
  }

  /** Everything held, in one buffer, handed over: this holds nothing afterwards. */
  take(): Buffer {
    const sized = this.#sized;
    let whole: Buffer;
    if (sized && this.#chunks.length === 0)
      whole = this.#length === sized.length ? sized : sized.subarray(0, this.#length);
    else whole = Buffer.concat(this.#chunks, this.#length);
    this.#sized = undefined;
    this.#chunks = [];
    this.#length = 0;
    return whole;
  }
}

const MARKUP = { ok: false, error: "the body is markup, not JSON" } as const;

/** A large body's JSON, parsed chunk by chunk once its start shows what it is. */
class StreamedJson {
  #parser: JsonByteParser | undefined;
  #json: HttpResponse["json"];

  private constructor(readonly text: string) {}

  /**
   * Starts from the bytes held so far; undefined when their text is only
   * whitespace, so that whether the body is empty, markup or JSON is not
   * known yet (it is then held whole, an oddity not worth a third path).
   */
  static start(head: Buffer): StreamedJson | undefined {
    // Up to the last character's first byte: the last may be cut.
    let end = head.length - 1;
    while (end > 0 && ((head[end] ?? 0) & 0xc0) === 0x80) end--;
    const leading = head.toString("utf8", 0, end).trimStart();
    if (leading.length === 0) return undefined;
    const streamed = new StreamedJson(textPrefix(head));
    if (leading.startsWith("<")) streamed.#json = MARKUP;
    else {
      streamed.#parser = new JsonByteParser();
      streamed.push(head);
    }
    return streamed;
  }

  push(chunk: Buffer): void {
    try {
      this.#parser?.push(chunk);
    } catch (error: unknown) {
      this.#stop(error);
    }
  }

  finish(): HttpResponse["json"] {
    try {
      if (this.#parser) this.#json = { ok: true, value: this.#parser.end() };
    } catch (error: unknown) {
      this.#stop(error);
    }
    return this.#json;
  }

  /** An invalid text stops the parsing, not the reading. */
  #stop(error: unknown): void {
    if (!(error instanceof JsonSyntaxError)) throw error;
    this.#parser = undefined;
    // The same words as jsonErrorWithoutText; the offset here counts bytes, not characters.
    this.#json = {
      ok: false,
      error: error.endedEarly ? "it ends too early" : `unexpected text at offset ${error.offset}`,
    };
  }
}

/**
 * The body's first TEXT_PREFIX_BYTES as text, cut at a character boundary. Its
 * own copy: a slice of the whole decoded body would keep all of it alive.
 */
function textPrefix(body: Buffer): string {
  let end = TEXT_PREFIX_BYTES;
  while (end > 0 && ((body[end] ?? 0) & 0xc0) === 0x80) end--;
  return body.toString("utf8", 0, end);
}

/** Parses a body as JSON unless it is empty or plainly markup. */
export function parseJson(text: string): HttpResponse["json"] {
  const trimmed = text.trimStart();
  if (trimmed.length === 0) return undefined;
  if (trimmed.startsWith("<")) return { ok: false, error: "the body is markup, not JSON" };
  try {
    return { ok: true, value: JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text) };
  } catch (error: unknown) {
    return { ok: false, error: jsonErrorWithoutText((error as Error).message) };
  }
}

/**
 * JSON.parse's message without the piece of body it quotes on newer Node
 * versions (`Unexpected token 'B', "{"a": Bearer sek"... is not valid JSON`):
 * a cut-off secret in it could not be redacted.
 */
function jsonErrorWithoutText(message: string): string {
  const position = /position (\d+)/.exec(message)?.[1];
  if (/Unexpected end of JSON input/i.test(message)) return "it ends too early";
  return position === undefined ? "unexpected text" : `unexpected text at offset ${position}`;
}
