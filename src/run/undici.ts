// The parts of undici shipgate uses, taken from its modules rather than its
// index. The index also loads fetch, WebSocket, EventSource, mocks and cache
// stores, and touching fetch's globals makes Node load its own second copy of
// undici: together about a third of a one-gate check's start-up. These paths
// belong to undici 7.30 (pinned exactly); test/proxy.test.ts and every flow
// test go through them, so a moved module fails the tests, not a user.
import { setFlagsFromString } from "node:v8";
import type { Dispatcher } from "undici";
import Agent from "undici/lib/dispatcher/agent.js";
import DispatcherBase from "undici/lib/dispatcher/dispatcher.js";
import EnvHttpProxyAgent from "undici/lib/dispatcher/env-http-proxy-agent.js";
import api from "undici/lib/api/index.js";

// undici parses HTTP with llhttp compiled to WebAssembly, on the first connection.
// V8 then optimises that module on background threads, and Node waits for them
// before it exits: on a busy 2-core machine that held a one-gate check open
// for 0.2 to 1 s after its report. The baseline compiler alone parses a
// response header in microseconds; response bodies are only copied.
setFlagsFromString("--liftoff-only");

// What undici's index does: request(), connect() and the rest as dispatcher methods
// (the proxy agent tunnels with connect()).
Object.assign(DispatcherBase.prototype, api);

export { Agent, EnvHttpProxyAgent };

export type RequestOptions = Omit<Dispatcher.RequestOptions, "origin" | "path" | "method"> & {
  method: string;
  dispatcher: Dispatcher;
};

/** undici's `request(url, options)`, sending through `options.dispatcher`. */
export function request(url: string, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  const target = new URL(url);
  const { dispatcher, ...rest } = options;
  return dispatcher.request({
    ...rest,
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    method: options.method as Dispatcher.HttpMethod,
  });
}
