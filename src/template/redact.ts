/** The mask every secret is replaced by. */
export const MASK = "***";

/**
 * One redactor per run: every value read from `{{env.NAME}}` (and any
 * credential in a remote URL) is registered here, and every piece of text
 * that leaves the process passes through `redact`.
 */
export class Redactor {
  readonly #forms = new Set<string>();
  #pattern: RegExp | undefined;

  /** Registers a secret in its raw, percent-encoded, form-encoded and JSON-escaped forms. */
  add(secret: string): void {
    if (secret.length === 0) return;
    const forms = [
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
      JSON.stringify(JSON.stringify(secret)).slice(3, -3),
    ];
    for (const f of forms) if (f.length > 0) this.#forms.add(f);
    this.#pattern = undefined;
  }

  get size(): number {
    return this.#forms.size;
  }

  /** True when the text contains any registered secret. */
  contains(text: string): boolean {
    return this.size > 0 && this.#regex().test(text);
  }

  redact(text: string): string {
    if (this.size === 0) return text;
    return text.replace(this.#regex(), MASK);
  }

  /** Redacts every string inside a JSON-like value. */
  redactValue<T>(value: T): T {
    if (this.size === 0) return value;
    return JSON.parse(this.redact(JSON.stringify(value) ?? "null")) as T;
  }

  #regex(): RegExp {
    if (!this.#pattern) {
      // Longest first, so a secret that contains another is masked whole.
      const alternatives = [...this.#forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.#pattern = new RegExp(alternatives.join("|"), "g");
    }
    this.#pattern.lastIndex = 0;
    return this.#pattern;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
