import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";

const dialerKey = "dialer-key-0123456789abcdef";
const dialerOtherKey = "dialer-other-key-0123456789";
const adminKey = "admin-key-0123456789abcdef0";
const as = (key: string) => ({ authorization: `Bearer ${key}` });

const evidence = {
  source: "web form /signup, submission 8812",
  who: "the lead (Jane Roe), IP logged",
  when: "2026-11-20T10:00:00Z",
  basis: "prior express written consent, 47 CFR 64.1200(f)(9)",
};

interface ConsentEntry {
  status: string;
  source: string;
  actor: string;
  evidence?: typeof evidence;
  overrideInternalDnc?: boolean;
  leadKeys: string[];
}

describe("consent with authority: scopes, evidence, internal DNC, known leads, ledger", () => {
  let h: Harness;
  let queuedKey: string;
  let queuedPhone: string;
  let strangerId: string;

  beforeAll(async () => {
    h = await startHarness({
      leads: 20,
      configure: (input) => ({
        ...input,
        campaigns: { ...input.campaigns, other: {} },
        api: {
          ...input.api,
          keys: [
            ...(input.api?.keys ?? []),
            { name: "dialer-floor", key: dialerKey, scopes: ["dialer"] },
            { name: "dialer-other", key: dialerOtherKey, scopes: ["dialer"], campaigns: ["other"] },
            { name: "compliance-officer", key: adminKey, scopes: ["admin"] },
          ],
        },
      }),
    });
    const job = (await h.telesync.dialQueues.get("q4").queue.getJobs(["waiting"], 0, 0))[0];
    if (!job) throw new Error("nothing queued");
    queuedKey = job.data.lead.key;
    queuedPhone = job.data.lead.phone;
    // A CRM record in none of the deployment's sources' pulls: telesync has never seen it.
    strangerId = h.sandbox.salesforce.insert("Lead", {
      LastName: "Stranger",
      Company: "Elsewhere",
      Phone: "(415) 555-0177",
      DoNotCall: true,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const writebackJobs = async () => {
    const counts = await h.service.intake.queue("sf").getJobCounts();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  };

  it("refuses an opt-in for a record telesync does not know, writing nothing (CRM included)", async () => {
    const before = await writebackJobs();
    for (const key of [adminKey, dialerKey]) {
      const response = await h.call(
        "POST",
        "/v1/consent",
        { leadKey: `sf/Lead/${strangerId}`, status: "opted_in", source: "api", evidence },
        as(key),
      );
      const body = (await response.json()) as { error: string };
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(body.error).toBe(key === adminKey ? "unknown_lead" : "forbidden_scope");
    }
    const optOut = await h.call(
      "POST",
      "/v1/consent",
      { leadKey: `sf/Lead/${strangerId}`, status: "opted_out" },
      as(dialerKey),
    );
    expect(optOut.status).toBe(404);
    expect(((await optOut.json()) as { error: string }).error).toBe("unknown_lead");
    expect(await writebackJobs()).toBe(before);
    expect(h.sandbox.salesforce.get("Lead", strangerId)?.DoNotCall).toBe(true);
    expect(await h.service.consent.ledger.read(`sf/Lead/${strangerId}`)).toEqual([]);
  });

  it("a dialer key may opt out a lead it can reach, not opt in, not claim the CRM, not reach another campaign", async () => {
    const optIn = await h.call(
      "POST",
      "/v1/consent",
      { leadKey: queuedKey, status: "opted_in", evidence },
      as(dialerKey),
    );
    expect(optIn.status).toBe(403);
    const crm = await h.call(
      "POST",
      "/v1/consent",
      { leadKey: queuedKey, status: "opted_out", source: "crm" },
      as(dialerKey),
    );
    expect([crm.status, ((await crm.json()) as { error: string }).error]).toEqual([
      403,
      "source_not_allowed",
    ]);
    const foreign = await h.call(
      "POST",
      "/v1/consent",
      { leadKey: queuedKey, status: "opted_out" },
      as(dialerOtherKey),
    );
    expect([foreign.status, ((await foreign.json()) as { error: string }).error]).toEqual([
      403,
      "campaign_not_allowed",
    ]);
    const lease = await h.call("POST", "/v1/campaigns/q4/leases", undefined, as(dialerOtherKey));
    expect(lease.status).toBe(403);
    expect((await h.call("GET", "/v1/dead-letters", undefined, as(dialerKey))).status).toBe(403);
    expect(await h.service.consent.suppression.firstSuppressed([queuedPhone])).toBeUndefined();

    const ok = await h.call(
      "POST",
      "/v1/consent",
      { leadKey: queuedKey, status: "opted_out", source: "agent" },
      as(dialerKey),
    );
    expect(ok.status).toBe(202);
    expect(await h.service.consent.suppression.firstSuppressed([queuedPhone])).toBe(queuedPhone);
  });

  it("an opt-in needs evidence, and lifts the internal DNC only with an admin override", async () => {
    const noEvidence = await h.call(
      "POST",
      "/v1/consent",
      { leadKey: queuedKey, status: "opted_in" },
      as(adminKey),
    );
    expect(noEvidence.status).toBe(400);
    const future = await h.call(
      "POST",
      "/v1/consent",
      { leadKey: queuedKey, status: "opted_in", evidence: { ...evidence, when: "2099-01-01T00:00:00Z" } },
      as(adminKey),
    );
    expect([future.status, ((await future.json()) as { error: string }).error]).toEqual([
      400,
      "evidence_in_future",
    ]);
    const withoutOverride = await h.call(
      "POST",
      "/v1/consent",
      { phone: queuedPhone, status: "opted_in", evidence },
      as(adminKey),
    );
    expect([withoutOverride.status, ((await withoutOverride.json()) as { error: string }).error]).toEqual([
      409,
      "internal_dnc",
    ]);
    expect(await h.service.consent.suppression.firstSuppressed([queuedPhone])).toBe(queuedPhone);

    const lifted = await h.call(
      "POST",
      "/v1/consent",
      { leadKey: queuedKey, status: "opted_in", source: "crm", evidence, overrideInternalDnc: true },
      as(adminKey),
    );
    expect(lifted.status).toBe(202);
    expect(await h.service.consent.suppression.firstSuppressed([queuedPhone])).toBeUndefined();
  });

  it("the decisions endpoint shows the consent ledger with provenance, to admin keys only", async () => {
    const path = `/v1/leads/${encodeURIComponent(queuedKey)}/decisions`;
    expect((await h.call("GET", path, undefined, as(dialerKey))).status).toBe(403);
    const response = await h.call("GET", path, undefined, as(adminKey));
    expect(response.status).toBe(200);
    const { consent } = (await response.json()) as { consent: ConsentEntry[] };
    // Newest first: the admin's opt-in (with evidence and override), then the dialer's opt-out.
    expect(consent.map((c) => [c.status, c.actor, c.source])).toEqual([
      ["opted_in", "compliance-officer", "crm"],
      ["opted_out", "dialer-floor", "agent"],
    ]);
    expect(consent[0]?.evidence).toEqual(evidence);
    expect(consent[0]?.overrideInternalDnc).toBe(true);
    expect(consent[1]?.leadKeys).toContain(queuedKey);
    // Refused requests left no entry.
    expect(consent).toHaveLength(2);
  });

  it("keys in the old shape still work, as admin", async () => {
    expect((await h.call("GET", "/v1/dead-letters")).status).toBe(200);
    expect((await h.call("GET", "/v1/dead-letters", undefined, as("wrong-key-0123456789abc"))).status).toBe(
      401,
    );
  });
});
