import type { ErrorClass } from "../../src/errors.js";
import { salesforceLimits } from "./limits.js";

/**
 * The org's daily API quota is shared by every app and user. jsforce reads `Sforce-Limit-Info:
 * api-usage=used/limit` from each response into `conn.limitInfo`; telesync stops short of the limit and
 * leaves a reserve to the others, instead of running into REQUEST_LIMIT_EXCEEDED.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
 */
export function apiBudgetExhausted(limitInfo: {
  apiUsage?: { used: number; limit: number };
}): ErrorClass | undefined {
  const usage = limitInfo.apiUsage;
  if (!usage || usage.limit <= 0) return undefined;
  const reserve = Math.ceil(usage.limit * salesforceLimits.dailyApiReserve);
  if (usage.used < usage.limit - reserve) return undefined;
  return {
    kind: "rate-limited",
    scope: "daily",
    waitMs: salesforceLimits.dailyWaitMs,
    reason: `Salesforce daily API usage at ${usage.used}/${usage.limit}; the last ${reserve} calls are left to the org's other integrations`,
  };
}
