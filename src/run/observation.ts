/** What one HTTP exchange showed, as data: the input of the pure judge. */
export interface HttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The media type without parameters, lower-case, when the server sent one. */
  mediaType?: string;
  /**
   * The body decoded as UTF-8, only its first 256 KiB (TEXT_PREFIX_BYTES in
   * read-body.ts) when it is longer: enough for HTML detection, titles and
   * excerpts, without holding a large body twice. `json` is parsed from all of it.
   */
  text: string;
  /** The length of the whole body in bytes. */
  bytes: number;
  /**
   * The body parsed as JSON; `undefined` when empty. An error's offset counts
   * characters, or bytes for a body over 1 MiB (STREAM_JSON_ABOVE), which is
   * parsed as it arrives.
   */
  json?: { ok: true; value: unknown } | { ok: false; error: string };
}

export type TransportKind =
  | "timeout"
  | "connection"
  | "body-too-large"
  | "deadline"
  | "interrupted";

export interface TransportFailure {
  kind: TransportKind;
  message: string;
  /** The underlying error code, such as ECONNREFUSED. */
  code?: string;
}

export interface Observation {
  method: string;
  url: string;
  startedAt: string;
  durationMs: number;
  response?: HttpResponse;
  failure?: TransportFailure;
  /** URLs of redirects followed, in order. */
  redirects: string[];
  /** A redirect that was not followed because it leaves the origin. */
  blockedRedirect?: string;
}
