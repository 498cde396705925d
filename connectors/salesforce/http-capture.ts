import { AsyncLocalStorage } from "node:async_hooks";
import type { Connection } from "jsforce";

/**
 * jsforce 3.10.16 turns an error response into an `HttpApiError` that keeps the body's `errorCode` but
 * drops the HTTP status and headers (lib/http-api.js `getError`). To classify 429/5xx and honour
 * `Retry-After`, the connection's transport is wrapped to note the last response of each call; a call
 * made through `withCapture` that fails is re-thrown as a `SalesforceHttpError` carrying them.
 * (The transport is jsforce's request layer; its retries of GETs happen below it.)
 */

interface Captured {
  status: number;
  retryAfter?: string;
}

const storage = new AsyncLocalStorage<{ last?: Captured }>();

/** A Salesforce REST error with what jsforce leaves out: the status and `Retry-After`. */
export class SalesforceHttpError extends Error {
  override readonly name = "SalesforceHttpError";
  constructor(
    message: string,
    readonly errorCode: string,
    readonly status: number,
    readonly retryAfter: string | undefined,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

const wrapped = new WeakSet<object>();

/** Per-request deadlines: SOQL query pages may legitimately run long, nothing else should. */
export interface RequestTimeouts {
  requestTimeoutMs: number;
  queryTimeoutMs: number;
}

/**
 * Note every response the connection's transport receives (once per connection), and give each request a
 * timeout: jsforce's default is 30 minutes (lib/request.js), too long for a hung socket to hold a sync.
 */
export function installCapture(conn: Connection, timeouts: RequestTimeouts): void {
  const transport = conn._transport;
  if (wrapped.has(transport)) return;
  wrapped.add(transport);
  const original = transport.httpRequest.bind(transport);
  transport.httpRequest = (req, options) => {
    const query = (req.method ?? "GET").toUpperCase() === "GET" && /\/query(All)?[/?]/.test(req.url);
    const timeout = query ? timeouts.queryTimeoutMs : timeouts.requestTimeoutMs;
    const promise = original(req, { timeout, ...options });
    const store = storage.getStore();
    if (store) {
      promise.then(
        (res) => {
          const retryAfter = res.headers["retry-after"];
          store.last = { status: res.statusCode, ...(typeof retryAfter === "string" ? { retryAfter } : {}) };
        },
        () => {
          delete store.last;
        },
      );
    }
    return promise;
  };
}

/** Run one jsforce call; an HTTP error comes out as a `SalesforceHttpError` (cause: jsforce's error). */
export async function withCapture<T>(call: () => PromiseLike<T>): Promise<T> {
  const store: { last?: Captured } = {};
  try {
    // Awaited inside the context: a jsforce Query only starts when `then` is called.
    return await storage.run(store, async () => await call());
  } catch (error) {
    const last = store.last;
    if (last && last.status >= 400 && error instanceof Error && "errorCode" in error) {
      let errorCode = typeof error.errorCode === "string" ? error.errorCode : `ERROR_HTTP_${last.status}`;
      // Several errors in one body: jsforce reports MULTIPLE_API_ERRORS with the list in `data`.
      const data =
        "data" in error && Array.isArray(error.data) ? (error.data[0] as { errorCode?: unknown }) : undefined;
      if (errorCode === "MULTIPLE_API_ERRORS" && typeof data?.errorCode === "string")
        errorCode = data.errorCode;
      throw new SalesforceHttpError(error.message, errorCode, last.status, last.retryAfter, { cause: error });
    }
    throw error;
  }
}
