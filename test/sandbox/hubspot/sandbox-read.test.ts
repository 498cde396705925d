import { describe, expect, it } from "vitest";
import { useHubspotSandbox } from "./start.js";

const { start, call } = useHubspotSandbox();

describe("HubSpot sandbox: auth", () => {
  it("answers 401 without a valid bearer token", async () => {
    await start();
    const answer = await call("GET", "/crm/v3/objects/contacts", undefined, null);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ status: "error", category: "INVALID_AUTHENTICATION" });
    expect((await call("GET", "/crm/v3/objects/contacts", undefined, "nope")).status).toBe(401);
  });

  it("exchanges a refresh token at POST /oauth/v1/token; the access token expires on the sandbox clock", async () => {
    const { basePath, sandbox } = await start({
      oauth: { clientId: "c", clientSecret: "s", refreshToken: "r" },
    });
    const form = (refresh: string) =>
      fetch(`${basePath}/oauth/v1/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          client_id: "c",
          client_secret: "s",
          refresh_token: refresh,
        }),
      });
    const bad = await form("wrong");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ status: "BAD_REFRESH_TOKEN" });
    const good = await form("r");
    const token = (await good.json()) as { access_token: string; expires_in: number; token_type: string };
    expect(token).toMatchObject({ token_type: "bearer", expires_in: 1800 });
    expect((await call("GET", "/crm/v3/objects/contacts", undefined, token.access_token)).status).toBe(200);
    sandbox.setNow(Date.now() + 1801_000);
    const expired = await call("GET", "/crm/v3/objects/contacts", undefined, token.access_token);
    expect(expired.status).toBe(401);
    expect(expired.body.category).toBe("EXPIRED_AUTHENTICATION");
  });
});

describe("HubSpot sandbox: reading contacts", () => {
  it("pages GET /crm/v3/objects/contacts with after, and lists archived ones separately", async () => {
    const { sandbox } = await start();
    const ids = sandbox.seedContacts(25);
    sandbox.archiveContact(ids[3] as string);
    const first = await call("GET", "/crm/v3/objects/contacts?limit=10&properties=phone");
    expect(first.status).toBe(200);
    expect(first.body.results).toHaveLength(10);
    expect(first.body.results[0]).toMatchObject({
      id: ids[0],
      archived: false,
      properties: { phone: "+14155550000" },
    });
    expect(first.body.results[0].properties).toHaveProperty("lastmodifieddate");
    expect(first.body.results.map((r: { id: string }) => r.id)).not.toContain(ids[3]);
    const all: string[] = [];
    let after: string | undefined;
    do {
      const page = await call("GET", `/crm/v3/objects/contacts?limit=10${after ? `&after=${after}` : ""}`);
      all.push(...page.body.results.map((r: { id: string }) => r.id));
      after = page.body.paging?.next?.after;
    } while (after);
    expect(all).toHaveLength(24);
    const archived = await call("GET", "/crm/v3/objects/contacts?archived=true");
    expect(archived.body.results).toEqual([
      expect.objectContaining({ id: ids[3], archived: true, archivedAt: expect.any(String) }),
    ]);
    expect((await call("GET", "/crm/v3/objects/contacts?limit=101")).status).toBe(400);
  });

  it("batch/read answers a merged id with its survivor and a deleted one with a 207 error", async () => {
    const { sandbox } = await start();
    const [a, b, c] = sandbox.seedContacts(3) as [string, string, string];
    sandbox.mergeContacts(a, b);
    sandbox.archiveContact(c);
    const answer = await call("POST", "/crm/v3/objects/contacts/batch/read", {
      inputs: [{ id: a }, { id: b }, { id: c }],
      properties: ["hs_merged_object_ids"],
      propertiesWithHistory: [],
    });
    expect(answer.status).toBe(207);
    expect(answer.body.results).toEqual([
      expect.objectContaining({ id: a, properties: expect.objectContaining({ hs_merged_object_ids: b }) }),
    ]);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ category: "OBJECT_NOT_FOUND", context: { ids: [c] } }),
    ]);
  });

  it("pages list memberships by record id, at most 250 a page", async () => {
    const { sandbox } = await start();
    sandbox.seedContacts(300, { listId: "77" });
    const first = await call("GET", "/crm/v3/lists/77/memberships?limit=250");
    expect(first.body.results).toHaveLength(250);
    expect(first.body.results[0]).toEqual({ recordId: "1001", membershipTimestamp: expect.any(String) });
    const second = await call(
      "GET",
      `/crm/v3/lists/77/memberships?limit=250&after=${first.body.paging.next.after}`,
    );
    expect(second.body.results).toHaveLength(50);
    expect(second.body.paging).toBeUndefined();
    expect((await call("GET", "/crm/v3/lists/77/memberships?limit=251")).status).toBe(400);
    expect((await call("GET", "/crm/v3/lists/78/memberships")).status).toBe(404);
  });
});

describe("HubSpot sandbox: search", () => {
  it("filters, sorts, pages, and refuses to page past 10,000 results", async () => {
    const { sandbox } = await start({ searchPerSecond: 1_000 });
    sandbox.seedContacts(30, {
      lastmodifieddate: (i) => 1_000 + i,
      properties: (i) => ({ hs_lead_status: i % 2 ? "NEW" : "OPEN" }),
    });
    const body = {
      filterGroups: [
        {
          filters: [
            { propertyName: "hs_lead_status", operator: "EQ", value: "new" },
            { propertyName: "lastmodifieddate", operator: "GTE", value: "1010" },
          ],
        },
      ],
      sorts: ["-lastmodifieddate"],
      properties: ["hs_lead_status"],
      limit: 5,
      after: "0",
    };
    const answer = await call("POST", "/crm/v3/objects/contacts/search", body);
    expect(answer.status).toBe(200);
    expect(answer.body.total).toBe(10);
    expect(
      answer.body.results.map((r: { properties: { lastmodifieddate: string } }) =>
        Date.parse(r.properties.lastmodifieddate),
      ),
    ).toEqual([1029, 1027, 1025, 1023, 1021]);
    expect(answer.body.paging.next.after).toBe("5");
    const capped = await call("POST", "/crm/v3/objects/contacts/search", {
      ...body,
      after: "9900",
      limit: 200,
    });
    expect(capped.status).toBe(400);
    expect(capped.body.category).toBe("VALIDATION_ERROR");
  });

  it("enforces 5 filter groups, 6 filters a group, 18 in all and 200 a page", async () => {
    await start({ searchPerSecond: 1_000 });
    const filter = { propertyName: "email", operator: "HAS_PROPERTY" };
    const search = (filterGroups: unknown, limit = 10) =>
      call("POST", "/crm/v3/objects/contacts/search", {
        filterGroups,
        sorts: [],
        properties: [],
        limit,
        after: "0",
      });
    expect((await search(Array.from({ length: 6 }, () => ({ filters: [filter] })))).status).toBe(400);
    expect((await search([{ filters: Array.from({ length: 7 }, () => filter) }])).status).toBe(400);
    expect(
      (await search(Array.from({ length: 4 }, () => ({ filters: Array.from({ length: 5 }, () => filter) }))))
        .status,
    ).toBe(400);
    expect((await search([{ filters: [filter] }], 201)).status).toBe(400);
    expect((await search([{ filters: [{ propertyName: "nope", operator: "EQ", value: "x" }] }])).status).toBe(
      400,
    );
    expect((await search([{ filters: [filter] }], 200)).status).toBe(200);
  });

  it("answers the 6th search in a second with 429 SECONDLY", async () => {
    const { sandbox } = await start();
    sandbox.seedContacts(3);
    const body = { filterGroups: [], sorts: [], properties: [], limit: 10, after: "0" };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call("POST", "/crm/v3/objects/contacts/search", body)),
    );
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(1);
    expect(limited[0]?.body).toMatchObject({
      status: "error",
      message: "You have reached your secondly limit.",
      errorType: "RATE_LIMIT",
      policyName: "SECONDLY",
      correlationId: expect.any(String),
    });
    expect(sandbox.stats().rateLimited).toEqual({ SECONDLY: 1 });
  });

  it("does not order records that share the sort key by id", async () => {
    const { sandbox } = await start({ searchPerSecond: 1_000 });
    sandbox.seedContacts(50, { lastmodifieddate: 5_000 });
    const answer = await call("POST", "/crm/v3/objects/contacts/search", {
      filterGroups: [],
      sorts: ["lastmodifieddate"],
      properties: [],
      limit: 50,
      after: "0",
    });
    const ids = answer.body.results.map((r: { id: string }) => Number(r.id));
    expect(ids).not.toEqual([...ids].sort((a, b) => a - b));
  });
});
