import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { sandboxConfig, sandboxHubspot, sandboxMappings } from "../../src/demo/sandbox-config.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { unscreened } from "../support/harness.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

/** HubSpot search pages hold at most 200 records; searches are limited to 5 per second per account
 * (developers.hubspot.com/docs/api/crm/search#limitations). */
const pageSize = 200;
const searchesPerSecond = 5;

describe("HubSpot search sources: contacts that stop matching leave the queue at the periodic reconcile", () => {
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  afterEach(async () => {
    await telesync?.close();
    await sandbox?.close();
    await dropPrefix(telesync.prefix);
  });

  it("every 2nd incremental run re-reads the matching ids and removes the members no longer among them", async () => {
    sandbox = await startSandbox({ port: 0 });
    const config = sandboxConfig({
      redis: { url: redisUrl(), prefix: uniquePrefix() },
      integrations: {
        hs: sandboxHubspot(sandbox.hubspotBasePath, { searchIndexLagMs: 0, pullLookbackMs: 0 }),
      },
      mappings: { contact: sandboxMappings.hubspotContact },
      sources: [
        {
          id: "new_leads",
          integration: "hs",
          campaign: "q4",
          mapping: "contact",
          select: {
            search: {
              filterGroups: [{ filters: [{ propertyName: "hs_lead_status", operator: "EQ", value: "NEW" }] }],
              reconcileEveryRuns: 2,
            },
          },
        },
      ],
      campaigns: { q4: { compliance: unscreened } },
    });
    telesync = createTelesync({ config, compliance: false });
    const ids = sandbox.hubspot.seedContacts(450);
    const queued = async () =>
      (await telesync.dialQueues.get("q4").queue.getJobs(["waiting", "prioritized", "delayed"], 0, -1)).map(
        (job) => job.data.lead.key,
      );
    await telesync.sync("new_leads", { full: true });
    expect(await queued()).toHaveLength(450);

    // 7 stop matching (a rep qualified them out), 3 new ones match.
    const leavers = ids.slice(100, 107);
    for (const id of leavers) sandbox.hubspot.updateContact(id, { hs_lead_status: "UNQUALIFIED" });
    const joiners = sandbox.hubspot.seedContacts(3);

    // Run 1 of 2: the joiners come in; the leavers cannot be seen by an incremental search.
    const first = await telesync.sync("new_leads");
    expect(first.removed).toBe(0);
    expect(await queued()).toHaveLength(453);

    // Run 2: the reconcile. 446 contacts match now: ceil(446 / 200) = 3 id searches.
    const searchesBefore = sandbox.hubspot.stats().byKind["contacts.search"] ?? 0;
    const second = await telesync.sync("new_leads");
    const searches = (sandbox.hubspot.stats().byKind["contacts.search"] ?? 0) - searchesBefore;
    expect(second.removed).toBe(7);
    const now = await queued();
    expect(now).toHaveLength(446);
    for (const id of leavers) expect(now).not.toContain(`hs/contacts/${id}`);
    for (const id of joiners) expect(now).toContain(`hs/contacts/${id}`);
    expect(await telesync.syncState("new_leads").memberCount()).toBe(446);
    // The incremental search (one page: nothing changed) plus the id walk.
    expect(searches).toBe(1 + Math.ceil(446 / pageSize));
    expect(sandbox.hubspot.stats().observed.searchPerSecondMax).toBeLessThanOrEqual(searchesPerSecond);

    // Run 3 starts a new count: no reconcile, nothing removed.
    expect((await telesync.sync("new_leads")).removed).toBe(0);
  });
});
