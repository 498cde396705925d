import type { Connection } from "jsforce";
import { HttpApi } from "jsforce/lib/http-api.js";

/**
 * jsforce 3.10.16 turns an error response into an `HttpApiError` that keeps the body's `errorCode` but
 * drops the HTTP status and headers (lib/http-api.js `getError`). To classify 429/5xx and honour
 * `Retry-After`, `getError` is wrapped to note, per error it makes, the response it made it from; a
 * call made through `withCapture` that fails with such an error is re-thrown as a `SalesforceHttpError`
 * carrying them. Keyed by the error itself, not by async context: an `AsyncLocalStorage` turned on
 * Node's promise hooks for the whole process from the first Salesforce call, and every promise of
 * every lease paid for them. (jsforce's retries of GETs happen below `getError`, in its transport.)
 */

interface Captured {
  status: number;
  retryAfter?: string;
}

/** The response each error `getError` made came from (weak: an error forgotten frees its entry). */
const responses = new WeakMap<object, Captured>();

type GetError = HttpApi<never>["getError"];
let notingErrors = false;

/** Wrap jsforce's `getError` once per process (every connection's errors go through it). */
function noteErrorResponses(): void {
  if (notingErrors) return;
  notingErrors = true;
  const proto = HttpApi.prototype as unknown as { getError: GetError };
  const original = proto.getError;
  proto.getError = async function (this: unknown, response, body) {
    const error = await original.call(this, response, body);
    const retryAfter = response.headers["retry-after"];
    responses.set(error, {
      status: response.statusCode,
      ...(typeof retryAfter === "string" ? { retryAfter } : {}),
    });
    return error;
  };
}

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
 * Note the response behind each jsforce error, and give each request of the connection a timeout:
 * jsforce's default is 30 minutes (lib/request.js), too long for a hung socket to hold a sync.
 */
export function installCapture(conn: Connection, timeouts: RequestTimeouts): void {
  noteErrorResponses();
  const transport = conn._transport;
  if (wrapped.has(transport)) return;
  wrapped.add(transport);
  const original = transport.httpRequest.bind(transport);
  transport.httpRequest = (req, options) => {
    const query = (req.method ?? "GET").toUpperCase() === "GET" && /\/query(All)?[/?]/.test(req.url);
    const timeout = query ? timeouts.queryTimeoutMs : timeouts.requestTimeoutMs;
    return original(req, { timeout, ...options });
  };
}

/** Run one jsforce call; an HTTP error comes out as a `SalesforceHttpError` (cause: jsforce's error). */
export async function withCapture<T>(call: () => PromiseLike<T>): Promise<T> {
  try {
    // Awaited here: a jsforce Query only starts when `then` is called.
    return await call();
  } catch (error) {
    const last = typeof error === "object" && error !== null ? responses.get(error) : undefined;
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
