import nock from "nock";
import { describe, expect, it } from "vitest";
import { decodeIdSet, encodeIdSet } from "../../../connectors/hubspot/cursor.js";
import { ARCHIVED_CLOCK_SKEW_MS } from "../../../connectors/hubspot/pull-archived.js";
import { API, collect, fixture, NOW, useNockedConnector } from "./support.js";

const PROPS = ["phone", "firstname", "hs_object_id", "lastmodifieddate", "hs_merged_object_ids"];

const nocked = useNockedConnector();

describe("HubSpot contract: all contacts", () => {
  it("pages the objects API with paging.next.after, then reports contacts archived since the last scan", async () => {
    nock(API)
      .get("/crm/v3/objects/contacts")
      .query({ limit: "100", properties: PROPS, archived: "false" })
      .reply(200, fixture("contacts-page-1"));
    nock(API)
      .get("/crm/v3/objects/contacts")
      .query({ limit: "100", after: "53", properties: PROPS, archived: "false" })
      .reply(200, fixture("contacts-page-2"));
    nock(API)
      .get("/crm/v3/objects/contacts")
      .query({ limit: "100", properties: "hs_object_id", archived: "true" })
      .reply(200, fixture("contacts-archived"));
    const since = Date.parse("2026-01-01T00:00:00.000Z");
    const pages = await collect(
      nocked.connector.pull({
        sourceId: "all",
        select: { allContacts: true },
        fields: ["phone", "firstname"],
        cursor: { v: 1, kind: "all", phase: "objects", archived: { since } },
      }),
    );
    expect(nock.isDone()).toBe(true);
    expect(pages.map((p) => p.records.map((r) => r.id))).toEqual([["51", "52"], ["53"], []]);
    expect(pages[0]?.records[0]).toEqual({
      objectType: "contacts",
      id: "51",
      sourceRef: "51",
      modifiedAt: "2026-02-01T10:00:00.000Z",
      fields: {
        createdate: "2026-01-10T09:00:00.000Z",
        firstname: "Ada",
        hs_merged_object_ids: null,
        hs_object_id: "51",
        lastmodifieddate: "2026-02-01T10:00:00.000Z",
        phone: "+14155550101",
      },
    });
    // Grace survived a merge of 48 and 49: those leave; 40 was archived after the last scan, 12 before it.
    expect(pages.map((p) => p.removedRefs)).toEqual([["48", "49"], [], ["40"]]);
    expect(pages.map((p) => p.cursor)).toEqual([
      { v: 1, kind: "all", phase: "objects", after: "53", archived: { since } },
      { v: 1, kind: "all", phase: "archived", archived: { since } },
      { v: 1, kind: "all", phase: "objects", archived: { since: NOW - ARCHIVED_CLOCK_SKEW_MS } },
    ]);
  });
});

describe("HubSpot contract: search", () => {
  const select = {
    search: {
      filterGroups: [{ filters: [{ propertyName: "hs_lead_status", operator: "EQ", value: "NEW" }] }],
    },
  };

  it("sends the incremental search body, looking back pullLookbackMs (5 min) before the cursor, and resumes after the page's latest lastmodifieddate", async () => {
    let body: unknown;
    nock(API)
      .post("/crm/v3/objects/contacts/search", (b) => {
        body = b;
        return true;
      })
      .reply(200, fixture("contacts-search-page"));
    nock(API)
      .get("/crm/v3/objects/contacts")
      .query({ limit: "100", properties: "hs_object_id", archived: "true" })
      .reply(200, { results: [] });
    const t = Date.parse("2026-02-01T00:00:00.000Z");
    const pages = await collect(
      nocked.connector.pull({
        sourceId: "s",
        select,
        fields: ["phone", "hs_lead_status"],
        cursor: { v: 1, kind: "search", pos: { t, op: "GT" }, archived: { since: t } },
      }),
    );
    expect(body).toEqual({
      filterGroups: [
        {
          filters: [
            { propertyName: "hs_lead_status", operator: "EQ", value: "NEW" },
            // The index lags writes: start 5 minutes (the default look-back) before the cursor.
            { propertyName: "lastmodifieddate", operator: "GTE", value: String(t - 300_000) },
          ],
        },
      ],
      sorts: ["lastmodifieddate"],
      properties: ["phone", "hs_lead_status", "hs_object_id", "lastmodifieddate", "hs_merged_object_ids"],
      limit: 200,
      after: "0",
    });
    const latest = Date.parse("2026-02-11T09:30:00.000Z");
    expect(pages).toHaveLength(2);
    expect(pages[0]?.records.map((r) => r.id)).toEqual(["61", "62", "63"]);
    expect(pages[0]?.removedRefs).toEqual(["60"]);
    // Only 63 is within 5 minutes of the newest date seen: the others cannot come back as repeats.
    const recent = { [String(latest)]: encodeIdSet(["63"]) };
    expect(pages[0]?.cursor).toEqual({
      v: 1,
      kind: "search",
      pos: { t: latest, op: "GT" },
      archived: { since: t },
      recent,
      // The first incremental run since a reconcile (none yet): counted toward the next one.
      runs: 1,
    });
    expect(pages[1]?.cursor).toEqual({
      v: 1,
      kind: "search",
      pos: { t: latest, op: "GT" },
      archived: { since: NOW - ARCHIVED_CLOCK_SKEW_MS },
      recent,
      runs: 1,
    });
    expect(nocked.setup.rateLimiter.acquired.filter((a) => a.bucket === "hubspot:hs1:search")).toHaveLength(
      1,
    );
  });

  it("on 429 SECONDLY pauses the search bucket and retries", async () => {
    nock(API).post("/crm/v3/objects/contacts/search").reply(429, fixture("rate-limit-429-secondly"));
    nock(API).post("/crm/v3/objects/contacts/search").reply(200, fixture("contacts-search-page"));
    nock(API).get("/crm/v3/objects/contacts").query(true).reply(200, { results: [] });
    const pages = await collect(
      nocked.connector.pull({ sourceId: "s", select, fields: [], cursor: undefined }),
    );
    expect(pages[0]?.records).toHaveLength(3);
    expect(nocked.setup.rateLimiter.paused).toEqual([
      {
        bucket: "hubspot:hs1:search",
        waitMs: 1_000,
        reason: expect.stringContaining("SECONDLY"),
      },
    ]);
  });

  it("refuses filters that leave no room for the incremental window", () => {
    const tooMany = Array.from({ length: 5 }, (_, i) => ({
      propertyName: `p${i}`,
      operator: "HAS_PROPERTY",
    }));
    expect(() =>
      nocked.connector.validateSelect({ search: { filterGroups: [{ filters: tooMany }] } }),
    ).toThrow(/at most 4 filters/);
    expect(() => nocked.connector.validateSelect({ listId: "abc" })).toThrow(/Invalid HubSpot select/);
    expect(() => nocked.connector.validateSelect({ listId: 987 })).not.toThrow();
  });
});

describe("HubSpot contract: list", () => {
  it("pages memberships, reads members in batches, and reports who left since the last pass", async () => {
    const reads: unknown[] = [];
    nock(API)
      .get("/crm/v3/lists/987/memberships")
      .query({ limit: "250" })
      .reply(200, fixture("list-memberships-1"));
    nock(API)
      .post("/crm/v3/objects/contacts/batch/read", (b) => {
        reads.push(b);
        return true;
      })
      .query({ archived: "false" })
      .reply(200, fixture("contacts-batch-read-101-102"));
    nock(API)
      .get("/crm/v3/lists/987/memberships")
      .query({ after: "AoJ5xxMP9ABr", limit: "250" })
      .reply(200, fixture("list-memberships-2"));
    nock(API)
      .post("/crm/v3/objects/contacts/batch/read", (b) => {
        reads.push(b);
        return true;
      })
      .query({ archived: "false" })
      .reply(207, fixture("contacts-batch-read-207"));
    const pages = await collect(
      nocked.connector.pull({
        sourceId: "l",
        select: { listId: "987" },
        fields: ["phone"],
        cursor: {
          v: 1,
          kind: "list",
          listId: "987",
          prev: encodeIdSet(["101", "103"]),
          seen: encodeIdSet([]),
        },
      }),
    );
    expect(nock.isDone()).toBe(true);
    expect(reads[0]).toEqual({
      inputs: [{ id: "101" }, { id: "102" }],
      properties: ["phone", "hs_object_id", "lastmodifieddate", "hs_merged_object_ids"],
      propertiesWithHistory: [],
    });
    expect(pages.map((p) => p.records.map((r) => r.id).sort())).toEqual([["101", "102"], []]);
    // 104 vanished between the memberships page and the read; 103 left the list.
    expect(pages.map((p) => p.removedRefs)).toEqual([[], ["104", "103"]]);
    expect(pages[0]?.cursor).toMatchObject({
      kind: "list",
      after: "AoJ5xxMP9ABr",
      prev: encodeIdSet(["101", "103"]),
    });
    const last = pages[1]?.cursor as { prev: string; seen: string; after?: string };
    expect(decodeIdSet(last.prev)).toEqual(new Set(["101", "102"]));
    expect(last.after).toBeUndefined();
  });
});
