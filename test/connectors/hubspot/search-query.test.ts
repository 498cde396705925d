import { describe, expect, it } from "vitest";
import type { SearchPosition } from "../../../connectors/hubspot/cursor.js";
import {
  type AdminFilterGroup,
  buildSearchBody,
  filterBudgetProblems,
  nextSearchStep,
  type SearchBody,
  type SearchHit,
} from "../../../connectors/hubspot/search-query.js";

const admin: AdminFilterGroup[] = [
  { filters: [{ propertyName: "hs_lead_status", operator: "EQ", value: "NEW" }] },
  { filters: [{ propertyName: "lifecyclestage", operator: "IN", values: ["lead", "subscriber"] }] },
];

describe("buildSearchBody", () => {
  it("pages forward from a timestamp, AND-ed into every admin group, always from offset 0", () => {
    const body = buildSearchBody(admin, { t: 1_700_000_000_000, op: "GTE" }, ["phone", "hs_object_id"], 200);
    expect(body).toEqual({
      filterGroups: [
        {
          filters: [
            { propertyName: "hs_lead_status", operator: "EQ", value: "NEW" },
            { propertyName: "lastmodifieddate", operator: "GTE", value: "1700000000000" },
          ],
        },
        {
          filters: [
            { propertyName: "lifecyclestage", operator: "IN", values: ["lead", "subscriber"] },
            { propertyName: "lastmodifieddate", operator: "GTE", value: "1700000000000" },
          ],
        },
      ],
      sorts: ["lastmodifieddate"],
      properties: ["phone", "hs_object_id"],
      limit: 200,
      after: "0",
    });
  });

  it("walks one crowded timestamp by id: lastmodifieddate EQ t AND hs_object_id GT id, sorted by id", () => {
    const body = buildSearchBody(admin, { t: 5, afterId: "12345" }, [], 200);
    expect(body.sorts).toEqual(["hs_object_id"]);
    expect(body.filterGroups[1]?.filters).toEqual([
      { propertyName: "lifecyclestage", operator: "IN", values: ["lead", "subscriber"] },
      { propertyName: "lastmodifieddate", operator: "EQ", value: "5" },
      { propertyName: "hs_object_id", operator: "GT", value: "12345" },
    ]);
  });

  it("makes one group of its own when the admin gave none", () => {
    expect(buildSearchBody([], { t: 0, op: "GT" }, []).filterGroups).toEqual([
      { filters: [{ propertyName: "lastmodifieddate", operator: "GT", value: "0" }] },
    ]);
  });
});

const hit = (id: string, t: number): SearchHit => ({ id, t });

describe("nextSearchStep", () => {
  const cases: {
    name: string;
    position: SearchPosition;
    hits: SearchHit[];
    limit: number;
    emit: string[];
    next: SearchPosition;
    done: boolean;
  }[] = [
    {
      name: "last page: emit all, stop after its latest time",
      position: { t: 0, op: "GTE" },
      hits: [hit("1", 10), hit("2", 20)],
      limit: 3,
      emit: ["1", "2"],
      next: { t: 20, op: "GT" },
      done: true,
    },
    {
      name: "nothing new",
      position: { t: 20, op: "GT" },
      hits: [],
      limit: 3,
      emit: [],
      next: { t: 20, op: "GT" },
      done: true,
    },
    {
      name: "full page: the latest time may go on, hold it back",
      position: { t: 0, op: "GTE" },
      hits: [hit("1", 10), hit("2", 20), hit("3", 20)],
      limit: 3,
      emit: ["1"],
      next: { t: 20, op: "GTE" },
      done: false,
    },
    {
      name: "full page, order of hits does not matter",
      position: { t: 0, op: "GTE" },
      hits: [hit("3", 20), hit("1", 10), hit("2", 20)],
      limit: 3,
      emit: ["1"],
      next: { t: 20, op: "GTE" },
      done: false,
    },
    {
      name: "full page of one time: walk it by id",
      position: { t: 20, op: "GTE" },
      hits: [hit("5", 20), hit("3", 20), hit("9", 20)],
      limit: 3,
      emit: [],
      next: { t: 20, afterId: "0" },
      done: false,
    },
    {
      name: "inside a time, full page: continue after the highest id (numerically)",
      position: { t: 20, afterId: "0" },
      hits: [hit("999", 20), hit("1000", 20), hit("998", 20)],
      limit: 3,
      emit: ["999", "1000", "998"],
      next: { t: 20, afterId: "1000" },
      done: false,
    },
    {
      name: "inside a time, last page: move past the time",
      position: { t: 20, afterId: "1000" },
      hits: [hit("1001", 20)],
      limit: 3,
      emit: ["1001"],
      next: { t: 20, op: "GT" },
      done: false,
    },
    {
      name: "inside a time, nothing left",
      position: { t: 20, afterId: "1001" },
      hits: [],
      limit: 3,
      emit: [],
      next: { t: 20, op: "GT" },
      done: false,
    },
  ];
  it.each(cases)("$name", ({ position, hits, limit, emit, next, done }) => {
    const step = nextSearchStep(position, hits, limit);
    expect([...step.emit].sort()).toEqual([...emit].sort());
    expect(step.next).toEqual(next);
    expect(step.done).toBe(done);
  });
});

/**
 * A stand-in for HubSpot's search over the filters this module builds: sorts by one property,
 * orders ties by an arbitrary index order (not the id), caps at 10,000 results per query.
 */
function fakeSearch(records: { id: number; t: number; order: number }[], body: SearchBody) {
  const test = (
    r: { id: number; t: number },
    f: { propertyName: string; operator: string; value?: string | undefined },
  ) => {
    const v = f.propertyName === "hs_object_id" ? r.id : r.t;
    const x = Number(f.value);
    return f.operator === "EQ"
      ? v === x
      : f.operator === "GT"
        ? v > x
        : f.operator === "GTE"
          ? v >= x
          : false;
  };
  const offset = Number(body.after);
  if (offset + body.limit > 10_000) throw new Error("400 VALIDATION_ERROR: past 10,000 results");
  const key = body.sorts[0] === "hs_object_id" ? "id" : "t";
  return records
    .filter((r) => body.filterGroups.some((g) => g.filters.every((f) => test(r, f))))
    .sort((a, b) => a[key] - b[key] || a.order - b.order)
    .slice(offset, offset + body.limit);
}

describe("incremental search past 10,000 results", () => {
  it("returns 25,000 records exactly once when 15,000 share one timestamp, without paging past the cap", () => {
    const records = Array.from({ length: 25_000 }, (_, i) => ({
      id: 1_000 + i,
      // 15,000 share t=50,000; the others spread on both sides of it, some in small ties.
      t: i < 15_000 ? 50_000 : i < 20_000 ? Math.floor((i - 15_000) / 3) : 60_000 + (i - 20_000),
      order: (i * 7_919) % 25_013,
    }));
    const seen = new Map<number, number>();
    let position: SearchPosition = { t: 0, op: "GTE" };
    let queries = 0;
    for (;;) {
      const body = buildSearchBody([], position, [], 200);
      expect(body.after).toBe("0");
      queries++;
      const hits = fakeSearch(records, body).map((r) => ({ id: String(r.id), t: r.t }));
      const step = nextSearchStep(position, hits, 200);
      for (const id of step.emit) seen.set(Number(id), (seen.get(Number(id)) ?? 0) + 1);
      position = step.next;
      if (step.done) break;
    }
    expect(seen.size).toBe(25_000);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(queries).toBeLessThan(200);
  });
});

describe("filterBudgetProblems", () => {
  const f = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ propertyName: `p${i}`, operator: "HAS_PROPERTY" as const }));
  it.each([
    { name: "no groups", groups: [], problems: 0 },
    { name: "5 groups of 1", groups: Array.from({ length: 5 }, () => ({ filters: f(1) })), problems: 0 },
    { name: "a group of 4 (6 with the window)", groups: [{ filters: f(4) }], problems: 0 },
    { name: "a group of 5", groups: [{ filters: f(5) }], problems: 1 },
    {
      name: "18 in total with the window",
      groups: [{ filters: f(4) }, { filters: f(4) }, { filters: f(4) }],
      problems: 0,
    },
    {
      name: "19 in total",
      groups: [{ filters: f(4) }, { filters: f(4) }, { filters: f(2) }, { filters: f(1) }],
      problems: 1,
    },
    { name: "6 groups", groups: Array.from({ length: 6 }, () => ({ filters: f(1) })), problems: 1 },
    { name: "an empty group", groups: [{ filters: [] }], problems: 1 },
    {
      name: "the admin filters on lastmodifieddate",
      groups: [{ filters: [{ propertyName: "lastmodifieddate", operator: "GT" as const, value: "1" }] }],
      problems: 1,
    },
  ])("$name", ({ groups, problems }) => {
    expect(filterBudgetProblems(groups)).toHaveLength(problems);
  });
});
