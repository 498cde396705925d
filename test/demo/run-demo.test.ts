import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { runDemo } from "../../src/demo/run-demo.js";
import { hubspotOutcomes } from "../../src/demo/sandbox-config.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

/** The demo's clock: Wednesday 2 Dec 2026, 15:00 in New York (12:00 in California, the companies' state). */
const at = new Date("2026-12-02T15:00:00-05:00");

describe("telesync demo (sandbox, real Redis under a unique prefix, clock driven to Wed 2 Dec 2026 15:00 New York)", () => {
  let sandbox: CrmSandbox | undefined;
  let prefix: string | undefined;
  afterEach(async () => {
    await sandbox?.close();
    if (prefix) await dropPrefix(prefix);
    sandbox = undefined;
  });

  it("a HubSpot company source: the non-profit companies are pulled and leased, each outcome one call associated with its company (type 182)", async () => {
    sandbox = await startSandbox({ port: 0 });
    prefix = uniquePrefix();
    const lines: string[] = [];
    await runDemo({
      leads: 40,
      print: (line) => lines.push(line),
      at,
      sandbox,
      redis: { url: redisUrl(), prefix },
    });
    const output = lines.join("\n");

    // 40 leads: a twentieth as many non-profit companies (2), a hundredth retail ones (1), numbered by
    // the sandbox from 3000001 with phones +1 415 556 and the index.
    const portal = sandbox.hubspot;
    const company = (id: string) => portal.object("companies", id)?.properties;
    expect(company("3000001")).toMatchObject({
      phone: "+14155560000",
      industry: "NON_PROFIT_ORGANIZATION_MANAGEMENT",
    });
    expect(company("3000002")).toMatchObject({
      phone: "+14155560001",
      industry: "NON_PROFIT_ORGANIZATION_MANAGEMENT",
    });
    expect(company("3000003")).toMatchObject({ phone: "+14155560002", industry: "RETAIL" });
    expect(company("3000004")).toBeUndefined();
    expect(output).toContain("3 HubSpot companies (2 non-profits; the retail ones are in no source)");
    expect(output).toMatch(/HubSpot companies \(non-profit\)\s+pages \d+\s+records 2\s+queued 2\s/);
    expect(output).toMatch(/leases by campaign: .*hs_nonprofit 2$/m);

    // Each non-profit's outcome reached HubSpot once, as a call to its number associated with the
    // company by HubSpot's call → company type (182), with one of HubSpot's default call outcomes.
    const onCompanies = portal.calls().filter((c) => c.associated?.objectType === "companies");
    expect(
      onCompanies.map((c) => [c.associated?.id, c.associated?.typeId, c.properties.hs_call_to_number]).sort(),
    ).toEqual([
      ["3000001", 182, "+14155560000"],
      ["3000002", 182, "+14155560001"],
    ]);
    for (const call of onCompanies) {
      expect(Object.values(hubspotOutcomes)).toContain(call.properties.hs_call_disposition);
      expect(call.properties.telesync_outcome_id).toEqual(expect.any(String));
      // hs_lead_status is a contact property: on a company the disposition's update is skipped.
      expect(company(call.associated?.id as string)?.hs_lead_status).toBeUndefined();
    }
    expect(output).toContain(
      "of which associated with a company (call → company, association type 182): 2, on 2 companies",
    );
    expect(output).toContain("dead letters: 0");
    expect(output).toMatch(/dial-hs_nonprofit\s+waiting 0 /);
  }, 180_000);
});
