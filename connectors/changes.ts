/** CRM-side changes (webhooks, change streams) in the core's words, and where a stream stands. */

/** A webhook delivery exactly as it arrived, for the connector to verify and parse. */
export interface WebhookRequest {
  method: string;
  /** The full URL the CRM called (the public URL behind a proxy), which signatures usually cover. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received: signatures cover the bytes, not re-serialised JSON. */
  rawBody: string;
}

/** A change the CRM reported, in the core's words. */
export type CrmChangeEvent =
  /** The record is gone: its lead leaves every queue. */
  | { kind: "deleted"; objectType: string; crmId: string }
  /** `mergedIds` were merged into `survivorId`: they leave the queues, the survivor is read again. */
  | { kind: "merged"; objectType: string; survivorId: string; mergedIds: string[] }
  /** The CRM's do-not-call flag changed; `doNotCall: true` is an opt-out the core applies at once. */
  | { kind: "consent"; objectType: string; crmId: string; doNotCall: boolean }
  /** Some other field changed: the record is read again and its lead updated. */
  | { kind: "changed"; objectType: string; crmId: string }
  /** A new record: it may belong to sources whose membership only the CRM can tell, so they sync. */
  | { kind: "created"; objectType: string; crmId: string };

/** Where a change stream stands, per channel, kept across restarts (Redis, under the config prefix). */
export interface ChangeStreamPositions {
  get(channel: string): Promise<string | undefined>;
  set(channel: string, position: string): Promise<void>;
}

export interface ChangeStreamHandlers {
  /** The `select` blocks of the integration's sources: the connector follows the objects they read. */
  selects: unknown[];
  positions: ChangeStreamPositions;
  /** Apply events in order; the stored position moves past them only once this resolves. */
  onChanges(events: CrmChangeEvent[]): Promise<void>;
  /**
   * Events may have been missed (no stored position, a position older than the CRM keeps, an
   * overflow, a failed apply): pull the sources. Called once the stream is live again, so no change
   * falls between the pull and the stream.
   */
  onGap(reason: string): Promise<void>;
}

/** A live change stream; `close()` stops it (the stored positions stay for the next start). */
export interface ChangeStream {
  /** The channels followed, for logs and `/healthz`. */
  readonly channels: readonly string[];
  close(): Promise<void>;
}

export type WebhookVerdict =
  | {
      ok: true;
      events: CrmChangeEvent[];
      /**
       * What makes this delivery unique (e.g. its signature): the core refuses a second delivery with
       * the same key within `replayWindowMs`, so a captured request cannot be replayed.
       */
      replayKey: string;
      /** Events the connector acknowledges but does not act on. */
      ignored: number;
    }
  /** `unauthorized`: the signature does not verify or is stale; `invalid`: the body is not what the CRM sends. */
  | { ok: false; problem: "unauthorized" | "invalid"; reason: string };

/** Turns a signed CRM webhook request into canonical change events. Pure apart from the clock. */
export interface WebhookReceiver {
  /** How long a replay key must be remembered: at least the age window of the signature check. */
  readonly replayWindowMs: number;
  receive(request: WebhookRequest, nowMs: number): WebhookVerdict;
}
