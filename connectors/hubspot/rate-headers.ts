import { z } from "zod";

/**
 * `X-HubSpot-RateLimit-*` response headers: the account's burst limit (`Max` requests per
 * `Interval-Milliseconds`, rolling), what is left of it, and the daily quota.
 * https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details
 */
export interface RateHeaders {
  max: number;
  remaining: number;
  intervalMs: number;
  dailyRemaining?: number;
}

const count = z.coerce.number().int().nonnegative();

/** The headers of one response (names in any case), or undefined when they are absent or malformed. */
export function parseRateHeaders(headers: Record<string, string> | undefined): RateHeaders | undefined {
  if (!headers) return undefined;
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  const max = count.safeParse(lower["x-hubspot-ratelimit-max"]);
  const remaining = count.safeParse(lower["x-hubspot-ratelimit-remaining"]);
  const interval = count.safeParse(lower["x-hubspot-ratelimit-interval-milliseconds"]);
  if (!max.success || !remaining.success || !interval.success || max.data < 1 || interval.data < 1)
    return undefined;
  const daily = count.safeParse(lower["x-hubspot-ratelimit-daily-remaining"]);
  return {
    max: max.data,
    remaining: Math.min(remaining.data, max.data),
    intervalMs: interval.data,
    ...(daily.success ? { dailyRemaining: daily.data } : {}),
  };
}

/**
 * The burst budget to pace by: HubSpot's reported limit over its reported interval, never above the
 * configured tier (scaled to that interval), which an operator may set lower to leave room for
 * other apps on the account. Pure.
 */
export function burstBudget(
  configuredPer10s: number,
  reported: Pick<RateHeaders, "max" | "intervalMs"> | undefined,
): { max: number; windowMs: number } {
  if (!reported) return { max: configuredPer10s, windowMs: 10_000 };
  const configured = Math.max(1, Math.floor((configuredPer10s * reported.intervalMs) / 10_000));
  return { max: Math.min(reported.max, configured), windowMs: reported.intervalMs };
}
