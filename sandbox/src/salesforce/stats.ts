/** What a request to the Salesforce sandbox does; stats are counted and faults matched by it. */
export const REQUEST_KINDS = [
  "token",
  "query",
  "queryAll",
  "queryMore",
  "search",
  "describe",
  "describeGlobal",
  "deleted",
  "limits",
  "composite-create",
  "composite-update",
  "composite-delete",
  "composite-retrieve",
  "composite-upsert",
  "sobject-create",
  "sobject-get",
  "sobject-update",
  "sobject-delete",
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Request counts by kind; `apiUsage` is what `Sforce-Limit-Info` reports. */
export type SalesforceStats = Record<RequestKind, number> & { total: number; apiUsage: number };

/** Families a fault may match besides a single kind. */
export const KIND_FAMILIES = {
  any: REQUEST_KINDS,
  query: ["query", "queryAll", "queryMore"],
  composite: ["composite-create", "composite-update", "composite-delete", "composite-upsert"],
  write: [
    "composite-create",
    "composite-update",
    "composite-delete",
    "composite-upsert",
    "sobject-create",
    "sobject-update",
    "sobject-delete",
  ],
  describe: ["describe", "describeGlobal"],
} as const satisfies Record<string, readonly RequestKind[]>;
export type KindFamily = keyof typeof KIND_FAMILIES;

export class RequestStats {
  private counts = new Map<RequestKind, number>();
  private usage = 0;
  /** Records per collections create request, in the order they were served (for benchmarks). */
  readonly createSizes: number[] = [];

  record(kind: RequestKind): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    if (kind !== "token") this.usage += 1;
  }

  /** A collections create request of `records` records (counted by `record` as well). */
  recordCreateSize(records: number): void {
    this.createSizes.push(records);
  }

  get apiUsage(): number {
    return this.usage;
  }

  snapshot(): SalesforceStats {
    const out = { total: 0, apiUsage: this.usage } as SalesforceStats;
    for (const kind of REQUEST_KINDS) {
      out[kind] = this.counts.get(kind) ?? 0;
      out.total += out[kind];
    }
    return out;
  }

  reset(): void {
    this.counts = new Map();
    this.usage = 0;
    this.createSizes.length = 0;
  }
}
