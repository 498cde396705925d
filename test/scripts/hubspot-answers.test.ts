import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { TelesyncService } from "../../src/runtime/service.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { apiKey, eventually, outcomeBody } from "../support/harness.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";
import { outreachScriptInput, surveyPatterns as patterns } from "./fixtures.js";

const connected = "f240bbac-87c9-4f6e-bf70-924b57d47db7";

describe("scripted outcomes on HubSpot: answers to contact properties and the call body, exactly once", () => {
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  let service: TelesyncService;
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const config = configSchema.parse({
      redis: { url: redisUrl(), prefix: uniquePrefix() },
      integrations: {
        hs: {
          vendor: "hubspot",
          basePath: sandbox.hubspotBasePath,
          auth: { type: "private_app", accessToken: "sandbox-token" },
          burstLimitPer10s: 100,
          dispositions: { connected: { value: connected } },
          answerFields: {
            support: {
              field: "support_level",
              values: {
                strong: "Strong Support",
                lean: "Leaning",
                undecided: "Undecided",
                oppose: "Opposed",
              },
            },
            volunteer: { field: "volunteer" },
            hours: { field: "volunteer_hours" },
          },
        },
      },
      mappings: {
        contact: { fields: [{ to: "phone", from: "phone", transform: ["phone"], required: true }] },
      },
      sources: [
        {
          id: "hs_all",
          integration: "hs",
          campaign: "poll",
          mapping: "contact",
          select: { allContacts: true },
        },
      ],
      campaigns: { poll: { script: outreachScriptInput } },
      api: { keys: [apiKey], port: 0 },
    });
    sandbox.hubspot.seedContacts(1_000);
    telesync = createTelesync({ config, compliance: false });
    await telesync.sync("hs_all");
    service = await TelesyncService.start(telesync, { port: 0, schedule: false });
  }, 120_000);
  afterAll(async () => {
    await service?.close();
    await telesync?.close();
    await sandbox?.close();
    if (telesync) await dropPrefix(telesync.prefix);
  });

  it("1,000 outcomes: each contact's properties, one call with the survey in its body, counts by hand", async () => {
    const sent = new Map<string, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async (_v, client) => {
        for (;;) {
          const leased = await call("POST", "/v1/campaigns/poll/leases");
          if (leased.status === 204) return;
          const lease = (await leased.json()) as { leaseId: string; lead: { crmId: string } };
          const pattern = next++ % patterns.length;
          const answers = (patterns[pattern] as (typeof patterns)[number]).answers;
          const response = await call(
            "POST",
            `/v1/leases/${lease.leaseId}/outcome`,
            outcomeBody(`hs-survey-${client}-${next}`, { answers }),
          );
          expect(response.status).toBe(202);
          sent.set(lease.lead.crmId, pattern);
        }
      }),
    );
    expect(sent.size).toBe(1_000);
    await eventually(() => sandbox.hubspot.calls().length === 1_000, 90_000, "1,000 calls");
    const calls = sandbox.hubspot.calls();
    expect(new Set(calls.map((c) => c.properties.telesync_outcome_id)).size).toBe(1_000);
    const bodies = new Set(calls.map((c) => c.properties.hs_call_body));
    // The notes, then the survey; rich text, line breaks as <br>.
    for (const pattern of patterns) {
      expect(bodies).toContain(
        `Interested in a demo next week<br><br>${pattern.summary.replaceAll("\n", "<br>")}`,
      );
    }
    for (const [contactId, pattern] of sent) {
      expect(sandbox.hubspot.contact(contactId)?.properties).toMatchObject(
        (patterns[pattern] as (typeof patterns)[number]).properties,
      );
    }
    const distribution = (await (await call("GET", "/v1/campaigns/poll/answers")).json()) as {
      outcomes: number;
      questions: Array<{ id: string; counts?: Record<string, number> }>;
    };
    // 1,000 = 7 × 142 + 6: patterns 0–5 sent 143 times, pattern 6 142 times.
    expect(distribution.outcomes).toBe(1_000);
    expect(distribution.questions.find((q) => q.id === "support")?.counts).toEqual({
      strong: 429,
      lean: 285,
      undecided: 143,
      oppose: 143,
    });
  }, 240_000);
});
