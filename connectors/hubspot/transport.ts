import type http from "node:http";
import type { Client } from "@hubspot/api-client";
import { z } from "zod";
import { CrmError, type ErrorClass } from "../../src/errors.js";
import type { ConnectorContext, RateBudget } from "../types.js";
import { createHubspotAuth, type HubspotAuth, type RefreshForm } from "./auth.js";
import { classifyHubspotError, msUntilNextMidnight } from "./classify-error.js";
import type { HubspotIntegration } from "./config.js";
import { createHubspotAgent } from "./http-agent.js";
import { hubspotLimits } from "./limits.js";
import { burstBudget, parseRateHeaders } from "./rate-headers.js";

/** What the SDK's per-call middleware sees of a request (its `RequestContext`). */
interface RequestContextLike {
  setHeaderParam(key: string, value: string): void;
  setAgent(agent: http.Agent): void;
}

/**
 * Per-call SDK options. @hubspot/api-client 13.x applies configuration-level middleware (and so
 * `httpAgent` and `defaultHeaders`) only when call-time middleware is passed, so every call passes
 * this, which sets the bearer token and the timeout agent.
 */
function callOptions(
  token: string | undefined,
  agent: http.Agent,
  onResponse: (headers: Record<string, string> | undefined) => Promise<void>,
) {
  return {
    middlewareMergeStrategy: "append" as const,
    middleware: [
      {
        async pre<C extends RequestContextLike>(context: C): Promise<C> {
          if (token !== undefined) context.setHeaderParam("Authorization", `Bearer ${token}`);
          context.setAgent(agent);
          return context;
        },
        async post<R>(context: R): Promise<R> {
          await onResponse((context as { headers?: Record<string, string> }).headers);
          return context;
        },
      },
    ],
  };
}
export type SdkCallOptions = ReturnType<typeof callOptions>;

/** A non-2xx answer to a raw `apiRequest`, shaped like the SDK's `ApiException`. */
export class HubspotHttpError extends Error {
  override readonly name = "HubspotHttpError";
  constructor(
    readonly code: number,
    readonly body: unknown,
    readonly headers: Record<string, string>,
  ) {
    super(`HubSpot answered ${code}`);
  }
}

export interface CallSpec {
  /** Also take a slot of the account's search budget (5/s). */
  search?: boolean;
  /** Safe to repeat after an ambiguous failure (reads, searches, property updates). */
  idempotent: boolean;
  /** Default true; the token endpoint itself is called without a bearer token. */
  authenticated?: boolean;
}

export interface TransportOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per request (rate-limit waits and transient failures included); default 6. */
  maxAttempts?: number;
}

/** JSON when it is JSON; a proxy's HTML error page stays text (and classifies by status). */
function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer from HubSpot within ${ms} ms`), { code: "ETIMEDOUT" })),
      ms,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const policySchema = z.object({ body: z.object({ policyName: z.string() }) });

/**
 * Every HubSpot request goes through `call`: it takes a slot of the shared rate budget, sends the
 * bearer token, classifies a failure, and waits and retries where that is safe (a 401 refreshes
 * once; a 429 pauses the bucket for every worker, then retries; an ambiguous failure is retried
 * only for idempotent requests). What is left is thrown as a `CrmError`.
 */
export class HubspotTransport {
  /**
   * Built once per integration, on its first call, with no SDK retries or limiter: we retry and limit
   * ourselves. Loaded on demand: a process with no HubSpot call does not carry the SDK (~15 MiB RSS).
   */
  private client: Promise<Client> | undefined;
  readonly auth: HubspotAuth;
  readonly burstBucket: string;
  readonly searchBucket: string;
  private readonly agent: http.Agent;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  /** Burst budget paced by: the configured tier until HubSpot's headers say otherwise. */
  private burst: { max: number; windowMs: number };
  private learnedLoaded: Promise<void> | undefined;
  /** Recent round trips (ms): how far HubSpot's count of a request can trail ours. */
  private readonly latencies: number[] = [];

  constructor(
    private readonly config: HubspotIntegration,
    private readonly ctx: ConnectorContext,
    options: TransportOptions = {},
  ) {
    this.agent = createHubspotAgent(config.basePath, config.requestTimeoutMs);
    this.now = options.now ?? ctx.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxAttempts = options.maxAttempts ?? 6;
    this.burstBucket = `hubspot:${ctx.integrationId}:burst`;
    this.searchBucket = `hubspot:${ctx.integrationId}:search`;
    this.auth = createHubspotAuth(config, ctx, (form) => this.requestToken(form));
    this.burst = burstBudget(config.burstLimitPer10s, undefined);
  }

  private sdk(): Promise<Client> {
    const basePath = this.config.basePath.replace(/\/$/, "");
    this.client ??= import("@hubspot/api-client").then(
      ({ Client }) => new Client({ basePath, numberOfApiCallRetries: 0 }),
    );
    return this.client;
  }

  classify(error: unknown): ErrorClass {
    return classifyHubspotError(error, {
      now: this.now(),
      dailyResetTimeZone: this.config.dailyResetTimeZone,
    });
  }

  async call<T>(
    op: string,
    send: (client: Client, options: SdkCallOptions, token: string | undefined) => Promise<T>,
    spec: CallSpec,
  ): Promise<T> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      await this.acquire(spec.search === true);
      const token = spec.authenticated === false ? undefined : await this.auth.token();
      const observe = (headers: Record<string, string> | undefined) =>
        spec.search === true ? Promise.resolve() : this.observe(headers);
      const client = await this.sdk();
      const sentAt = performance.now();
      try {
        const answer = await send(client, callOptions(token, this.agent, observe), token).finally(() =>
          this.noteLatency(performance.now() - sentAt),
        );
        this.ctx.meter?.("ok");
        return answer;
      } catch (error) {
        const verdict = this.classify(error);
        this.ctx.meter?.(verdict.kind === "rate-limited" ? "rate-limited" : "error");
        this.ctx.log.debug({ op, attempt, verdict }, "hubspot request failed");
        if (verdict.kind === "auth" && token !== undefined && this.auth.canRefresh && !refreshed) {
          refreshed = true;
          await this.auth.refresh(token);
          continue;
        }
        if (verdict.kind === "rate-limited") {
          await this.pauseFor(error, verdict, spec.search === true);
          if (verdict.scope === "burst" && attempt < this.maxAttempts) continue;
        } else if (
          verdict.kind === "retry" &&
          (spec.idempotent || !verdict.ambiguous) &&
          attempt < this.maxAttempts
        ) {
          await this.sleep(Math.min(5_000, 250 * 2 ** (attempt - 1)) + Math.floor(Math.random() * 100));
          continue;
        }
        throw error instanceof CrmError ? error : new CrmError(verdict, { cause: error });
      }
    }
  }

  /** A raw JSON request for endpoints the SDK does not wrap (e.g. `/calling/v1/dispositions`). */
  async json(op: string, method: "GET" | "POST", path: string, request?: unknown): Promise<unknown> {
    return this.call(
      op,
      async (client, _options, token) => {
        const headers: Record<string, string> =
          token === undefined ? {} : { Authorization: `Bearer ${token}` };
        // apiRequest takes no agent, so it gets its own deadline.
        const response = await withDeadline(
          client.apiRequest({ method, path, headers, ...(request === undefined ? {} : { body: request }) }),
          this.config.requestTimeoutMs,
        );
        const text = await response.text();
        const body = parseJson(text);
        const answered: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          answered[name] = value;
        });
        await this.observe(answered);
        if (!response.ok) throw new HubspotHttpError(response.status, body, answered);
        return body;
      },
      { idempotent: true },
    );
  }

  /** What is left of the shared burst and search windows (the limiter's count, HubSpot's limit). */
  async rateBudget(): Promise<RateBudget[]> {
    const used = this.ctx.rateLimiter.used;
    if (!used) return [];
    this.learnedLoaded ??= this.loadLearned();
    await this.learnedLoaded;
    const search = this.config.searchRequestsPerSecond;
    const [burstUsed, searchUsed] = await Promise.all([
      used.call(this.ctx.rateLimiter, this.burstBucket, this.burst.windowMs),
      used.call(this.ctx.rateLimiter, this.searchBucket, hubspotLimits.secondlyWindowMs),
    ]);
    return [
      { window: "burst", limit: this.burst.max, remaining: Math.max(0, this.burst.max - burstUsed) },
      { window: "search", limit: search, remaining: Math.max(0, search - searchUsed) },
    ];
  }

  warn(obj: object, msg: string): void {
    this.ctx.log.warn(obj, msg);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  /**
   * Searches take a slot of the search budget only (HubSpot limits them on their own, 5/s), so a
   * write's 429 never holds a pull; every other request takes a slot of the burst budget, paced by
   * what HubSpot's headers last reported (shared through Redis for workers without a response yet).
   */
  private async acquire(search: boolean): Promise<void> {
    const margin = hubspotLimits.windowMarginMs;
    if (search) {
      await this.ctx.rateLimiter.acquire(
        this.searchBucket,
        this.config.searchRequestsPerSecond,
        hubspotLimits.secondlyWindowMs + margin,
      );
      return;
    }
    this.learnedLoaded ??= this.loadLearned();
    await this.learnedLoaded;
    await this.ctx.rateLimiter.acquire(
      this.burstBucket,
      this.burst.max,
      this.burst.windowMs + this.burstMargin(),
    );
  }

  /**
   * HubSpot counts a request when it arrives, we when we send it: our window is longer by the
   * larger of the fixed margin and the slowest recent round trip (capped), so a slow moment does not
   * let request n+1 into the vendor's window of request 1.
   */
  private burstMargin(): number {
    const slowest = Math.max(0, ...this.latencies);
    return Math.min(
      hubspotLimits.maxWindowMarginMs,
      Math.max(hubspotLimits.windowMarginMs, Math.ceil(slowest)),
    );
  }

  private noteLatency(ms: number): void {
    this.latencies.push(ms);
    if (this.latencies.length > 32) this.latencies.shift();
  }

  private async loadLearned(): Promise<void> {
    const learned = await this.ctx.rateLimiter.learned?.(this.burstBucket).catch(() => undefined);
    if (learned)
      this.burst = burstBudget(this.config.burstLimitPer10s, { ...learned, intervalMs: learned.windowMs });
  }

  /**
   * Follow HubSpot's rate-limit headers: pace by its limit and interval, count what it counts (other
   * apps on the account included), and stop at a spent daily quota instead of meeting a 429.
   */
  private async observe(headers: Record<string, string> | undefined): Promise<void> {
    const reported = parseRateHeaders(headers);
    if (!reported) return;
    this.burst = burstBudget(this.config.burstLimitPer10s, reported);
    try {
      await this.ctx.rateLimiter.observe?.(this.burstBucket, {
        used: reported.max - reported.remaining,
        max: this.burst.max,
        vendorWindowMs: reported.intervalMs,
        windowMs: this.burst.windowMs + this.burstMargin(),
      });
      if (reported.dailyRemaining === 0) {
        const waitMs = msUntilNextMidnight(this.now(), this.config.dailyResetTimeZone);
        await this.ctx.rateLimiter.pause(this.burstBucket, waitMs, "HubSpot daily limit used up");
        await this.ctx.rateLimiter.pause(this.searchBucket, waitMs, "HubSpot daily limit used up");
      }
    } catch (error) {
      // Pacing by the configured limit still holds; a 429 would still be waited out.
      this.ctx.log.debug(
        { err: error instanceof Error ? error.message : String(error) },
        "rate headers not adopted",
      );
    }
  }

  /**
   * A 429 stops every worker of the integration on the budget it hit: a search's 429 pauses the
   * search budget, any other the burst budget (searches go on); DAILY pauses both.
   */
  private async pauseFor(
    error: unknown,
    verdict: Extract<ErrorClass, { kind: "rate-limited" }>,
    search: boolean,
  ): Promise<void> {
    const policy = policySchema.safeParse(error);
    const daily = verdict.scope === "daily" || (policy.success && policy.data.body.policyName === "DAILY");
    const buckets = daily
      ? [this.burstBucket, this.searchBucket]
      : [search ? this.searchBucket : this.burstBucket];
    for (const bucket of buckets) await this.ctx.rateLimiter.pause(bucket, verdict.waitMs, verdict.reason);
    this.ctx.log.warn({ buckets, waitMs: verdict.waitMs, scope: verdict.scope }, verdict.reason);
  }

  private async requestToken(form: RefreshForm): Promise<unknown> {
    try {
      return await this.call(
        "oauth.token",
        (client, options) =>
          client.oauth.tokensApi.create(
            "refresh_token",
            undefined,
            undefined,
            form.clientId,
            form.clientSecret,
            form.refreshToken,
            options,
          ),
        { idempotent: true, authenticated: false },
      );
    } catch (error) {
      // A 400 from the token endpoint (BAD_REFRESH_TOKEN, BAD_CLIENT_ID…) means the credentials are wrong.
      if (error instanceof CrmError && error.classification.kind === "permanent") {
        throw new CrmError(
          { kind: "auth", reason: `OAuth refresh failed: ${error.classification.reason}` },
          { cause: error },
        );
      }
      throw error;
    }
  }
}
