import { AREAS } from "@telesync/sandbox";
import { describe, expect, it } from "vitest";
import { connect, sandboxServer } from "./helpers.js";

async function call(url: string, method: string, body?: unknown) {
  const response = await fetch(url, {
    method,
    ...(body ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe("control API and seed data", () => {
  it("seeds, injects faults, reports stats and lists records over HTTP", async () => {
    const sandbox = await sandboxServer();
    const seeded = await call(`${sandbox.url}/_sandbox/salesforce/seed`, "POST", {
      count: 25,
      campaignId: "Demo",
    });
    expect(seeded.body).toMatchObject({ count: 25, campaignId: expect.stringMatching(/^701/) });
    const fault = await call(`${sandbox.url}/_sandbox/faults`, "POST", {
      vendor: "salesforce",
      kind: "rate-limit",
      count: 1,
      match: "query",
    });
    expect(fault.status).toBe(204);
    const conn = connect(sandbox);
    await expect(conn.query("SELECT Id FROM Lead")).rejects.toMatchObject({
      errorCode: "REQUEST_LIMIT_EXCEEDED",
    });
    const stats = await call(`${sandbox.url}/_sandbox/salesforce/stats`, "GET");
    expect(stats.body).toMatchObject({ query: 1, total: 1 });
    const records = await call(`${sandbox.url}/_sandbox/salesforce/records/CampaignMember?limit=2`, "GET");
    expect(records.body.totalSize).toBe(25);
    expect(records.body.records).toHaveLength(2);
    const unknown = await call(`${sandbox.url}/_sandbox/faults`, "POST", { vendor: "nope", kind: "timeout" });
    expect(unknown.status).toBe(404);
    const invalid = await call(`${sandbox.url}/_sandbox/faults`, "POST", {
      vendor: "salesforce",
      kind: "meteor",
    });
    expect(invalid.status).toBe(400);
    expect((await call(`${sandbox.url}/_sandbox/faults?vendor=salesforce`, "DELETE")).status).toBe(204);
  });

  it("mounts other vendors' plugins and fault targets beside Salesforce", async () => {
    const injected: unknown[] = [];
    const sandbox = await sandboxServer({
      plugins: [
        (app) => {
          app.get("/hubspot/ping", async () => ({ pong: true }));
        },
      ],
      faultTargets: { hubspot: { inject: (spec) => injected.push(spec), clear: () => injected.splice(0) } },
    });
    expect((await call(`${sandbox.url}/hubspot/ping`, "GET")).body).toEqual({ pong: true });
    await call(`${sandbox.url}/_sandbox/faults`, "POST", { vendor: "hubspot", kind: "timeout" });
    expect(injected).toEqual([{ kind: "timeout" }]);
    const sfMissing = await call(`${sandbox.url}/services/data/v62.0/nope`, "GET");
    expect(sfMissing.body).toEqual([expect.objectContaining({ errorCode: "NOT_FOUND" })]);
  });

  it("generates deterministic, varied US leads", () => {
    const leadsOf = async (seed: number) => {
      const sandbox = await sandboxServer({ salesforce: { seed } });
      sandbox.salesforce.seedLeads(500, { missingPhoneRate: 0.1, invalidPhoneRate: 0.05 });
      return sandbox.salesforce.all("Lead");
    };
    return Promise.all([leadsOf(9), leadsOf(9)]).then(([a, b]) => {
      const strip = (rows: typeof a) =>
        rows.map(({ CreatedDate, LastModifiedDate, SystemModstamp, ...r }) => r);
      expect(strip(a)).toEqual(strip(b));
      const phones = a.map((l) => l.Phone).filter((p): p is string => typeof p === "string");
      expect(a.length - phones.length).toBeGreaterThan(20);
      expect(new Set(phones.filter((p) => /\d{3}.*555/.test(p))).size).toBeGreaterThan(400);
      expect(phones.some((p) => /^\(\d{3}\) 555-\d{4}$/.test(p))).toBe(true);
      expect(phones.some((p) => /^\+1 \d{3} 555 \d{4}$/.test(p))).toBe(true);
      expect(phones.some((p) => !/\d{3}\D*555/.test(p))).toBe(true);
      const zones = new Set(a.map((l) => AREAS.find((x) => x.state === l.State && x.city === l.City)?.zone));
      for (const zone of [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
      ]) {
        expect(zones).toContain(zone);
      }
      expect(
        a.every(
          (l) => l.Country === "US" && typeof l.Email === "string" && /^\d{5}$/.test(String(l.PostalCode)),
        ),
      ).toBe(true);
    });
  });
});
