import type { Dispatcher } from "undici";

/** Limits shared by every request of a run. */
export interface ClientOptions {
  maxBodyBytes: number;
}

/**
 * One keep-alive pool per origin (undici's Agent keeps them), one Agent per
 * distinct request timeout, because the connect timeout is an Agent option.
 * Proxies come from HTTP_PROXY, HTTPS_PROXY and NO_PROXY.
 */
export class HttpClient {
  readonly #agents = new Map<number, Dispatcher>();
  readonly #options: ClientOptions;
  #undici: typeof import("./undici.js") | undefined;

  constructor(options: ClientOptions) {
    this.#options = options;
  }

  get maxBodyBytes(): number {
    return this.#options.maxBodyBytes;
  }

  async undici(): Promise<typeof import("./undici.js")> {
    this.#undici ??= await import("./undici.js");
    return this.#undici;
  }

  async dispatcher(timeoutMs: number): Promise<Dispatcher> {
    const existing = this.#agents.get(timeoutMs);
    if (existing) return existing;
    const { Agent, EnvHttpProxyAgent } = await this.undici();
    const options = {
      connect: { timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      maxResponseSize: this.#options.maxBodyBytes,
      keepAliveTimeout: 4_000,
    };
    const agent = usesProxy() ? new EnvHttpProxyAgent(options) : new Agent(options);
    this.#agents.set(timeoutMs, agent);
    return agent;
  }

  /** Closes every pool without waiting for idle sockets. */
  async close(): Promise<void> {
    const agents = [...this.#agents.values()];
    this.#agents.clear();
    await Promise.all(agents.map((a) => a.destroy().catch(() => undefined)));
  }
}

function usesProxy(): boolean {
  const env = process.env;
  return Boolean(env.HTTP_PROXY || env.http_proxy || env.HTTPS_PROXY || env.https_proxy);
}
