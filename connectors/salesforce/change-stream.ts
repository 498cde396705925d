import type { ChangeStream, ChangeStreamHandlers, ConnectorLogger } from "../types.js";
import type { SalesforceSession } from "./auth.js";
import {
  changeEventMeaning,
  changeEventMessageSchema,
  channelsForSelects,
  doNotCallFieldsOf,
  isExpiredReplay,
  recordsRereadable,
} from "./change-events.js";

/** The part of faye's Client (jsforce's Streaming API client) used here; faye ships no types. */
interface FayeClient {
  subscribe(channel: string, listener: ((message: unknown) => void) | true): PromiseLike<void>;
  addExtension(extension: FayeExtension): void;
  disconnect(): unknown;
}
/** faye's `disconnect()` answers with a thenable once the server has acknowledged it; 2 s at most. */
async function disconnected(client: FayeClient | undefined): Promise<void> {
  if (!client) return;
  let timer: NodeJS.Timeout | undefined;
  const answered = Promise.resolve(client.disconnect() as PromiseLike<unknown> | undefined).catch(() => {});
  await Promise.race([answered, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)))]);
  clearTimeout(timer);
}

interface BayeuxMessage {
  channel: string;
  successful?: boolean;
  error?: string;
  subscription?: string | string[];
  advice?: { reconnect?: string };
  ext?: Record<string, unknown> & { sfdc?: { failureReason?: string } };
}
interface FayeExtension {
  incoming?(message: BayeuxMessage, callback: (message: BayeuxMessage) => void): void;
  outgoing?(message: BayeuxMessage, callback: (message: BayeuxMessage) => void): void;
}

/** Replay ids with a meaning of their own (Streaming API): -1 = only new events. */
const newEventsOnly = -1;
/** Wait before building a new client after Salesforce refused the session on the stream. */
const reauthenticateDelayMs = 5_000;
/** Longest wait for the handshake and subscribes at start (faye itself waits forever). */
const startTimeoutMs = 30_000;

/**
 * Follows Change Data Capture channels through jsforce's Streaming API client (CometD long-polling
 * with Salesforce's replay extension). Each channel resumes after the last replay id whose events
 * were applied (stored through `positions`); one that Salesforce no longer keeps (retention is three
 * days) is refused with a 400, and the stream then starts from new events (-1) and asks the core to
 * pull the sources, so nothing in between is lost. Events are applied one message at a time, in order.
 */
export class SalesforceChangeStream implements ChangeStream {
  readonly channels: readonly string[];
  private readonly rereadable: boolean;
  /** channel → replay id to subscribe from: the last applied, or -1. */
  private readonly replayFrom = new Map<string, number>();
  private client: FayeClient | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private reauthenticating: NodeJS.Timeout | undefined;
  /** Channels in their first subscribe on a client: a refusal reaches `connect` through the promise. */
  private readonly firstSubscribes = new Set<string>();

  constructor(
    private readonly session: SalesforceSession,
    private readonly handlers: ChangeStreamHandlers,
    private readonly log: ConnectorLogger,
    private readonly integrationId: string,
    private readonly onClosed: () => void = () => {},
    /** Accounts' and custom objects' do-not-call fields (the integration's `objects`). */
    private readonly objects: Readonly<Record<string, { doNotCallField?: string | undefined }>> = {},
  ) {
    this.channels = channelsForSelects(handlers.selects);
    this.rereadable = recordsRereadable(handlers.selects);
  }

  /** Subscribe every channel; resolves once Salesforce acknowledged them (and any catch-up pull ran). */
  async start(): Promise<void> {
    const gaps: string[] = [];
    for (const channel of this.channels) {
      const stored = Number.parseInt((await this.handlers.positions.get(channel)) ?? "", 10);
      this.replayFrom.set(channel, Number.isInteger(stored) ? stored : newEventsOnly);
      if (!Number.isInteger(stored)) gaps.push(`${channel}: no stored replay id`);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the change stream did not start within ${startTimeoutMs / 1000} s`)),
        startTimeoutMs,
      );
    });
    try {
      await Promise.race([this.connect(gaps), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.onClosed();
    clearTimeout(this.reauthenticating);
    // Wait for the disconnect to be answered (bounded): a client whose server goes away first keeps
    // retrying on its own timers.
    await disconnected(this.client);
    this.client = undefined;
    await this.chain;
  }

  private async connect(gaps: string[]): Promise<void> {
    // A working token first: jsforce's client sends the token it holds when it is created.
    await this.session.call((conn) => conn.limits());
    // Loaded here, not with jsforce: only a process that follows changes needs faye. What the
    // connection's `streaming` getter would build (lib/api/streaming.js), for a connection made before.
    const { Streaming } = await import("jsforce/lib/api/streaming.js");
    const client = new Streaming(this.session.conn).createClient([this.extension()]) as unknown as FayeClient;
    this.client = client;
    for (const channel of this.channels) {
      this.firstSubscribes.add(channel);
      try {
        await client.subscribe(channel, (message) => this.enqueue(channel, message));
      } catch (error) {
        if (!isExpiredReplay(error)) throw new Error(`subscribe to ${channel} failed: ${errorText(error)}`);
        gaps.push(`${channel}: replay id ${this.replayFrom.get(channel)} no longer kept by Salesforce`);
        this.replayFrom.set(channel, newEventsOnly);
        await client.subscribe(channel, (message) => this.enqueue(channel, message));
      } finally {
        this.firstSubscribes.delete(channel);
      }
    }
    this.log.info(
      { integration: this.integrationId, channels: this.channels },
      "salesforce change stream live",
    );
    if (gaps.length > 0) await this.catchUp(gaps.join("; "));
  }

  /** Adds the replay map to subscribes, and watches for refusals Salesforce sends on meta channels. */
  private extension(): FayeExtension {
    return {
      outgoing: (message, callback) => {
        if (message.channel === "/meta/subscribe") {
          const channels = [message.subscription ?? []].flat();
          const replay = Object.fromEntries(
            channels.map((c) => [c, this.replayFrom.get(c) ?? newEventsOnly]),
          );
          message.ext = { ...message.ext, replay };
        }
        callback(message);
      },
      incoming: (message, callback) => {
        if (message.successful === false) this.onRefusal(message);
        callback(message);
      },
    };
  }

  /**
   * Refusals faye does not surface: a resubscribe after a reconnect (its replay id expired while the
   * connection was down) and a session Salesforce no longer accepts (faye would stop for good).
   */
  private onRefusal(message: BayeuxMessage): void {
    if (this.closed) return;
    if (message.channel === "/meta/subscribe" && isExpiredReplay(message.error)) {
      const channels = [message.subscription ?? []].flat();
      // The first subscribe of a channel reports through its promise (handled in `connect`).
      const resubscribes = channels.filter((c) => !this.firstSubscribes.has(c));
      if (resubscribes.length === 0) return;
      this.chain = this.chain.then(() => this.resubscribeFromNow(resubscribes));
      return;
    }
    const authFailed =
      message.ext?.sfdc?.failureReason?.startsWith("401") === true || message.advice?.reconnect === "none";
    if (authFailed && (message.channel === "/meta/handshake" || message.channel === "/meta/connect")) {
      this.scheduleReauthentication(message.ext?.sfdc?.failureReason ?? message.error ?? "refused");
    }
  }

  private async resubscribeFromNow(channels: string[]): Promise<void> {
    for (const channel of channels) this.replayFrom.set(channel, newEventsOnly);
    const client = this.client;
    if (!client) return;
    try {
      for (const channel of channels) await client.subscribe(channel, true);
    } catch (error) {
      this.log.warn(
        { integration: this.integrationId, err: errorText(error) },
        "change stream resubscribe failed",
      );
    }
    await this.catchUp(`${channels.join(", ")}: replay id no longer kept by Salesforce`);
  }

  private scheduleReauthentication(reason: string): void {
    if (this.reauthenticating || this.closed) return;
    this.log.warn(
      { integration: this.integrationId, reason },
      "salesforce refused the change stream session; reconnecting",
    );
    this.client?.disconnect();
    this.client = undefined;
    this.reauthenticating = setTimeout(() => {
      this.reauthenticating = undefined;
      if (this.closed) return;
      // Positions are the last applied events: the new client resumes there. A channel that has
      // applied none yet (-1) cannot say what it missed while down: the sources pull.
      const unknown = this.channels.filter((c) => this.replayFrom.get(c) === newEventsOnly);
      this.connect(unknown.map((c) => `${c}: reconnected without a replay id`)).catch((error: unknown) => {
        this.scheduleReauthentication(errorText(error));
      });
    }, reauthenticateDelayMs);
    this.reauthenticating.unref();
  }

  private enqueue(channel: string, message: unknown): void {
    this.chain = this.chain.then(() => this.apply(channel, message));
  }

  private async apply(channel: string, raw: unknown): Promise<void> {
    if (this.closed) return;
    const parsed = changeEventMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn({ integration: this.integrationId, channel }, "change event not understood; ignored");
      return;
    }
    const replayId = parsed.data.event.replayId;
    const meaning = changeEventMeaning(parsed.data, this.rereadable, (object) =>
      doNotCallFieldsOf(this.objects, object),
    );
    try {
      if (meaning.events.length > 0) await this.handlers.onChanges(meaning.events);
    } catch (error) {
      // The events are not lost to the leads: a pull reads the same records.
      this.log.error(
        { integration: this.integrationId, channel, err: errorText(error) },
        "applying change events failed",
      );
      await this.catchUp(`${channel}: applying replay id ${replayId} failed`);
    }
    if (meaning.gap) await this.catchUp(meaning.gap);
    this.replayFrom.set(channel, replayId);
    await this.handlers.positions.set(channel, String(replayId)).catch((error: unknown) => {
      this.log.warn(
        { integration: this.integrationId, channel, err: errorText(error) },
        "storing the replay id failed",
      );
    });
  }

  private async catchUp(reason: string): Promise<void> {
    this.log.info({ integration: this.integrationId, reason }, "change stream catching up with a pull");
    await this.handlers.onGap(reason).catch((error: unknown) => {
      this.log.error(
        { integration: this.integrationId, err: errorText(error) },
        "catch-up pull could not be started",
      );
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error
    ? error.message
    : typeof error === "object"
      ? JSON.stringify(error)
      : String(error);
}
