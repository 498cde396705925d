/**
 * Salesforce limits and quirks telesync depends on, kept as data in one place.
 * Each value links the vendor page it comes from.
 */
export const salesforceLimits = {
  /**
   * Records per query page asked for with `Sforce-Query-Options: batchSize=N` (min 200, max 2000, not
   * guaranteed: two long-text fields cap it at 200).
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
   */
  queryBatchSize: 2000,
  /**
   * Records per sObject Collections request (create/update).
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
   */
  collectionSize: 200,
  /**
   * Ids per `IN (...)` list. A REST query travels in the URL (`GET /query?q=`); the URI limit is 16,384
   * bytes, so id lists are chunked well below it (an escaped 18-character id costs ~25 bytes encoded).
   * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
   */
  inClauseChunk: 200,
  /** Longest SOQL statement accepted (characters). https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm */
  maxSoqlLength: 100_000,
  /**
   * How far back `sobjects/{T}/deleted` can look (the recycle bin keeps ids ~15 days); a cursor older
   * than this may have missed deletions.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
   */
  deletedWindowMs: 15 * 24 * 3600_000,
  /**
   * Our clock and Salesforce's may differ; "modified since" checks that start from our clock look back
   * this much further (a re-read is harmless, a miss is not).
   */
  clockSkewMs: 5 * 60_000,
  /** Task.Description is a 32,000-character long text area; Subject is 255 characters. */
  taskDescriptionMax: 32_000,
  taskSubjectMax: 255,
  /**
   * Longest wait for one response. A SOQL query may run up to 120 s before QUERY_TIMEOUT, so a bit more.
   * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
   */
  requestTimeoutMs: 180_000,
  /** Default wait when Salesforce reports a limit without saying how long (it never sends Retry-After on REST). */
  burstWaitMs: 30_000,
  /** `REQUEST_LIMIT_EXCEEDED` for the rolling 24-hour quota: check again after an hour. */
  dailyWaitMs: 3600_000,
  /** Share of the org's daily API quota telesync leaves to other apps and users (see api-budget.ts). */
  dailyApiReserve: 0.02,
  /** Wait after a plain 429 without Retry-After. */
  tooManyRequestsWaitMs: 10_000,
} as const;

/** Salesforce record ids: 15 characters case-sensitive or 18 case-insensitive. */
export const salesforceIdPattern = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
