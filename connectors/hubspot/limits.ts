/**
 * HubSpot's published limits and quirks, kept as data in one place.
 * Search: https://developers.hubspot.com/docs/api/crm/search#limitations
 * Request limits: https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details
 */
export const hubspotLimits = {
  search: {
    /** Per account, across every search endpoint. */
    requestsPerSecond: 5,
    maxPageSize: 200,
    /** Paging past this many results of one query answers 400. */
    maxResultsPerQuery: 10_000,
    maxFilterGroups: 5,
    maxFiltersPerGroup: 6,
    maxFilters: 18,
    /** Values of one IN filter. */
    maxInValues: 100,
  },
  objects: {
    /** `GET /crm/v3/objects/{type}` page size. */
    pageSize: 100,
    batchRead: 100,
    batchCreate: 100,
    batchUpdate: 100,
  },
  lists: {
    membershipPageSize: 250,
  },
  /** Requests per rolling 10 s, by tier (changelog "Increasing our API limits"). */
  burstPer10s: { freeStarter: 100, professional: 190, enterprise: 190, apiLimitIncrease: 250 },
  burstWindowMs: 10_000,
  secondlyWindowMs: 1_000,
  /**
   * Added to our own limiter windows: HubSpot counts a request when it arrives, we count it when we
   * send it, so jitter in latency must not push request n+1 into the vendor's window of request 1.
   */
  windowMarginMs: 300,
  /** The margin grows with slow round trips (see the transport), up to this. */
  maxWindowMarginMs: 2_000,
  /** Longest value of a text property (hs_call_body). */
  textPropertyMaxChars: 65_536,
  /** Archived records stay listable (`archived=true`) this long, then are purged. */
  archivedRetentionDays: 90,
} as const;
