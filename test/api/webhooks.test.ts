import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { signatureV3 } from "../../connectors/hubspot/webhook-signature.js";
import { configSchema } from "../../src/config/schema.js";
import { TelesyncService } from "../../src/runtime/service.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { apiKey } from "../support/harness.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";

const webhookSecret = "hubspot-app-secret-for-tests";

interface Setup {
  sandbox: CrmSandbox;
  telesync: Telesync;
  service: TelesyncService;
  url: string;
  ids: string[];
}

async function start(contacts: number): Promise<Setup> {
  const sandbox = await startSandbox({ port: 0 });
  const config = configSchema.parse({
    redis: { url: redisUrl(), prefix: uniquePrefix() },
    integrations: {
      hs: {
        vendor: "hubspot",
        basePath: sandbox.hubspotBasePath,
        auth: { type: "private_app", accessToken: "sandbox-token" },
        webhookSecret,
      },
      sf: {
        vendor: "salesforce",
        instanceUrl: sandbox.url,
        loginUrl: sandbox.url,
        auth: { type: "client_credentials", clientId: "sandbox-client", clientSecret: "sandbox-secret" },
      },
    },
    mappings: {
      contact: {
        fields: [
          { to: "phone", from: "phone", transform: ["phone"], required: true },
          { to: "firstName", from: "firstname" },
          { to: "doNotCall", from: "telesync_do_not_call", transform: ["boolean"] },
        ],
      },
    },
    sources: [
      {
        id: "hs_all",
        integration: "hs",
        campaign: "hs_q4",
        mapping: "contact",
        select: { allContacts: true },
      },
    ],
    campaigns: { hs_q4: {} },
    api: { keys: [apiKey], port: 0 },
  });
  const ids = sandbox.hubspot.seedContacts(contacts);
  // About webhook plumbing at whatever hour the test runs: no calling-hours gate.
  const telesync = createTelesync({ config, compliance: false });
  await telesync.sync("hs_all");
  const service = await TelesyncService.start(telesync, { port: 0, schedule: false, role: "api" });
  return { sandbox, telesync, service, url: service.url as string, ids };
}

/** A delivery signed the way HubSpot signs it: v3 over method + URL + body + timestamp. */
function post(setup: Setup, path: string, events: unknown[], timestamp = Date.now()): Promise<Response> {
  const body = JSON.stringify(events);
  const uri = `${setup.url}${path}`;
  return fetch(uri, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-hubspot-signature-v3": signatureV3(webhookSecret, "POST", uri, body, String(timestamp)),
      "x-hubspot-request-timestamp": String(timestamp),
    },
    body,
  });
}

function propertyChange(id: string, propertyName: string, propertyValue: string) {
  return { subscriptionType: "contact.propertyChange", objectId: Number(id), propertyName, propertyValue };
}

describe("POST /webhooks/{integration} (sandbox, real HubSpot client, real Redis)", () => {
  let setup: Setup;
  afterEach(async () => {
    await setup.service.close();
    await setup.telesync.close();
    await setup.sandbox.close();
    await dropPrefix(setup.telesync.prefix);
  });

  const dialJob = (id: string) => setup.telesync.dialQueues.get("hs_q4").queue.getJob(`hs/contacts/${id}`);

  it("a property change re-reads only that contact (one batch read, no pull) and updates its lead", async () => {
    setup = await start(20);
    const id = setup.ids[3] as string;
    setup.sandbox.hubspot.updateContact(id, { firstname: "Renamed" });
    const before = setup.sandbox.hubspot.stats().byKind;
    const response = await post(setup, "/webhooks/hs", [propertyChange(id, "firstname", "Renamed")]);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      received: 1,
      suppressed: 0,
      removed: 0,
      reread: 1,
      syncsTriggered: 0,
    });
    const after = setup.sandbox.hubspot.stats().byKind;
    expect((after["contacts.batchRead"] ?? 0) - (before["contacts.batchRead"] ?? 0)).toBe(1);
    expect(after["contacts.list"] ?? 0).toBe(before["contacts.list"] ?? 0);
    expect((await dialJob(id))?.data.lead.firstName).toBe("Renamed");
    expect((await dialJob(setup.ids[4] as string))?.data.lead.firstName).toBe("First4");
  });

  it("a contact whose phone was cleared, or that HubSpot no longer has, leaves the queue", async () => {
    setup = await start(10);
    const [cleared, archived] = [setup.ids[1] as string, setup.ids[2] as string];
    setup.sandbox.hubspot.updateContact(cleared, { phone: "" });
    setup.sandbox.hubspot.archiveContact(archived);
    const response = await post(setup, "/webhooks/hs", [
      propertyChange(cleared, "phone", ""),
      propertyChange(archived, "firstname", "Gone"),
    ]);
    expect(await response.json()).toMatchObject({ removed: 2, syncsTriggered: 0 });
    expect(await dialJob(cleared)).toBeUndefined();
    expect(await dialJob(archived)).toBeUndefined();
    expect(await dialJob(setup.ids[3] as string)).toBeDefined();
  });

  it("an opt-out suppresses at once; a deletion and a merge take leads out; a creation asks for a sync", async () => {
    setup = await start(10);
    const [optedOut, deleted, merged, survivor] = setup.ids as [string, string, string, string];
    const optedOutPhone = (await dialJob(optedOut))?.data.lead.phone as string;
    const response = await post(setup, "/webhooks/hs", [
      propertyChange(optedOut, "telesync_do_not_call", "true"),
      { subscriptionType: "contact.deletion", objectId: Number(deleted) },
      {
        subscriptionType: "contact.merge",
        objectId: Number(survivor),
        mergedObjectIds: [Number(merged), Number(survivor)],
      },
      { subscriptionType: "contact.creation", objectId: 999_999 },
      { subscriptionType: "contact.associationChange", objectId: Number(survivor) },
    ]);
    expect(await response.json()).toEqual({
      received: 5,
      suppressed: 1,
      removed: 2,
      reread: 1,
      syncsTriggered: 1,
    });
    expect(await setup.service.consent.suppression.firstSuppressed([optedOutPhone])).toBe(optedOutPhone);
    expect(await dialJob(deleted)).toBeUndefined();
    expect(await dialJob(merged)).toBeUndefined();
    expect(await dialJob(survivor)).toBeDefined();
  });

  it("keeps the vendor path as an alias, refuses replays, and answers 404 where no receiver is set up", async () => {
    setup = await start(5);
    const events = [propertyChange(setup.ids[0] as string, "firstname", "Same")];
    const timestamp = Date.now();
    expect((await post(setup, "/webhooks/hubspot/hs", events, timestamp)).status).toBe(200);
    const replay = await post(setup, "/webhooks/hubspot/hs", events, timestamp);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ message: "signature: replayed request" });
    expect((await post(setup, "/webhooks/hs", events, Date.now() - 6 * 60_000)).status).toBe(401);
    expect((await post(setup, "/webhooks/nope", events)).status).toBe(404);
    expect((await post(setup, "/webhooks/sf", events)).status).toBe(404);
    expect((await post(setup, "/webhooks/salesforce/hs", events)).status).toBe(404);
    expect((await post(setup, "/webhooks/__proto__", events)).status).toBe(404);
  });
});
