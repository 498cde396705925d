import { describe, expect, it } from "vitest";
import { useHubspotSandbox } from "./start.js";

const { start, call } = useHubspotSandbox();

describe("HubSpot sandbox: rate limits", () => {
  it("answers past the burst limit with 429 TEN_SECONDLY_ROLLING, Retry-After and rate-limit headers", async () => {
    const { sandbox } = await start({ burstLimit: 3 });
    const ok = await call("GET", "/crm/v3/objects/contacts");
    expect(ok.headers.get("x-hubspot-ratelimit-max")).toBe("3");
    expect(ok.headers.get("x-hubspot-ratelimit-remaining")).toBe("2");
    expect(ok.headers.get("x-hubspot-ratelimit-interval-milliseconds")).toBe("10000");
    expect(ok.headers.get("x-hubspot-ratelimit-daily")).toBe("250000");
    expect(ok.headers.get("x-hubspot-ratelimit-daily-remaining")).toBe("249999");
    await call("GET", "/crm/v3/objects/contacts");
    await call("GET", "/crm/v3/objects/contacts");
    const limited = await call("GET", "/crm/v3/objects/contacts");
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ policyName: "TEN_SECONDLY_ROLLING", errorType: "RATE_LIMIT" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(sandbox.stats().observed.burstMax).toBe(3);
  });

  it("answers past the daily limit with 429 DAILY until the next UTC day", async () => {
    const { sandbox } = await start({ dailyLimit: 2 });
    sandbox.setNow("2026-05-01T10:00:00Z");
    await call("GET", "/crm/v3/objects/contacts");
    await call("GET", "/crm/v3/objects/contacts");
    const limited = await call("GET", "/crm/v3/objects/contacts");
    expect(limited.status).toBe(429);
    expect(limited.body.policyName).toBe("DAILY");
    sandbox.setNow("2026-05-02T00:00:01Z");
    expect((await call("GET", "/crm/v3/objects/contacts")).status).toBe(200);
  });
});

describe("HubSpot sandbox: writing", () => {
  const call194 = (contactId: string, trace: string, extra: Record<string, string> = {}) => ({
    properties: {
      hs_timestamp: "2026-01-05T10:00:00.000Z",
      hs_call_duration: "65000",
      telesync_outcome_id: trace,
      ...extra,
    },
    associations: [
      { to: { id: contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 194 }] },
    ],
    objectWriteTraceId: trace,
  });

  it("creates calls with 201, and answers 207 with errors[].context for inputs it cannot write", async () => {
    const { sandbox } = await start();
    const [a, b] = sandbox.seedContacts(2) as [string, string];
    sandbox.archiveContact(b);
    const created = await call("POST", "/crm/v3/objects/calls/batch/create", {
      inputs: [call194(a, "o-1"), call194(a, "o-2")],
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe("COMPLETE");
    expect(
      created.body.results.map((r: { objectWriteTraceId: string }) => r.objectWriteTraceId).sort(),
    ).toEqual(["o-1", "o-2"]);
    const partial = await call("POST", "/crm/v3/objects/calls/batch/create", {
      inputs: [
        call194(a, "o-3"),
        call194(b, "o-4"),
        call194(a, "o-5", {}),
        {
          ...call194(a, "o-6"),
          associations: [
            { to: { id: a }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 202 }] },
          ],
        },
      ],
    });
    expect(partial.status).toBe(207);
    expect(partial.body.numErrors).toBe(2);
    expect(
      partial.body.errors
        .map((e: { context: { objectWriteTraceId: string[] } }) => e.context.objectWriteTraceId[0])
        .sort(),
    ).toEqual(["o-4", "o-6"]);
    expect(
      sandbox
        .calls()
        .map((c) => c.properties.telesync_outcome_id)
        .sort(),
    ).toEqual(["o-1", "o-2", "o-3", "o-5"]);
    expect(sandbox.calls()[0]?.contact).toEqual({ id: a, typeId: 194 });
  });

  it("rejects a whole batch with 400 for an unknown property or an invalid option, and more than 100 inputs", async () => {
    const { sandbox } = await start();
    const [a] = sandbox.seedContacts(1) as [string];
    const unknown = await call("POST", "/crm/v3/objects/calls/batch/create", {
      inputs: [call194(a, "x", { nope: "1" })],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({
      code: "PROPERTY_DOESNT_EXIST",
      context: { propertyName: ["nope"] },
    });
    const option = await call("POST", "/crm/v3/objects/calls/batch/create", {
      inputs: [call194(a, "y", { hs_call_status: "MAYBE" })],
    });
    expect(option.status).toBe(400);
    const tooMany = await call("POST", "/crm/v3/objects/calls/batch/create", {
      inputs: Array.from({ length: 101 }, (_, i) => call194(a, `z${i}`)),
    });
    expect(tooMany.status).toBe(400);
    expect(sandbox.calls()).toHaveLength(0);
  });

  it("creates notes associated with type 202", async () => {
    const { sandbox } = await start();
    const [a] = sandbox.seedContacts(1) as [string];
    const answer = await call("POST", "/crm/v3/objects/notes/batch/create", {
      inputs: [
        {
          properties: { hs_timestamp: "2026-01-05T10:00:00Z", hs_note_body: "hello" },
          associations: [
            { to: { id: a }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 202 }] },
          ],
        },
      ],
    });
    expect(answer.status).toBe(201);
    expect(sandbox.notes()[0]?.contact).toEqual({ id: a, typeId: 202 });
  });

  it("updates contacts in batch (207 for missing ids, 400 for duplicates) and by PATCH", async () => {
    const { sandbox } = await start();
    const [a, b] = sandbox.seedContacts(2) as [string, string];
    const before = sandbox.contact(a)?.updatedAt ?? 0;
    sandbox.setNow(before + 5_000);
    const answer = await call("POST", "/crm/v3/objects/contacts/batch/update", {
      inputs: [
        { id: a, properties: { telesync_do_not_call: "true" } },
        { id: "999", properties: { hs_lead_status: "OPEN" } },
      ],
    });
    expect(answer.status).toBe(207);
    expect(answer.body.errors[0]).toMatchObject({ category: "OBJECT_NOT_FOUND", context: { ids: ["999"] } });
    expect(sandbox.contact(a)?.properties.telesync_do_not_call).toBe("true");
    expect(sandbox.contact(a)?.updatedAt).toBe(before + 5_000);
    const duplicate = await call("POST", "/crm/v3/objects/contacts/batch/update", {
      inputs: [
        { id: b, properties: { hs_lead_status: "OPEN" } },
        { id: b, properties: { hs_lead_status: "NEW" } },
      ],
    });
    expect(duplicate.status).toBe(400);
    const patched = await call("PATCH", `/crm/v3/objects/contacts/${b}`, {
      properties: { hs_lead_status: "CONNECTED" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.properties.hs_lead_status).toBe("CONNECTED");
  });
});

describe("HubSpot sandbox: schema", () => {
  it("describes properties, with enumeration options and read-only flags", async () => {
    await start();
    const answer = await call("GET", "/crm/v3/properties/contacts");
    const status = answer.body.results.find((p: { name: string }) => p.name === "hs_lead_status");
    expect(status).toMatchObject({
      type: "enumeration",
      fieldType: "select",
      options: expect.arrayContaining([expect.objectContaining({ value: "NEW" })]),
    });
    const id = answer.body.results.find((p: { name: string }) => p.name === "hs_object_id");
    expect(id.modificationMetadata.readOnlyValue).toBe(true);
  });

  it("lists the six default call dispositions plus custom ones", async () => {
    const { sandbox } = await start();
    const custom = sandbox.addDisposition("Not interested");
    const answer = await call("GET", "/calling/v1/dispositions");
    expect(answer.body).toHaveLength(7);
    expect(answer.body).toContainEqual(
      expect.objectContaining({ id: "f240bbac-87c9-4f6e-bf70-924b57d47db7", label: "Connected" }),
    );
    expect(answer.body).toContainEqual(expect.objectContaining({ id: custom, label: "Not interested" }));
  });
});

describe("HubSpot sandbox: faults", () => {
  it("injects 429, 5xx and 401 for the next matching requests only, and counts them", async () => {
    const { sandbox } = await start();
    sandbox.injectFault({ kind: "rate-limit", policy: "DAILY", match: { kind: "contacts.list" } });
    sandbox.injectFault({ kind: "server-error", status: 503, match: { path: "/properties/" } });
    sandbox.injectFault({ kind: "invalid-token", match: { method: "GET", path: /dispositions/ } });
    expect((await call("GET", "/crm/v3/objects/contacts")).body.policyName).toBe("DAILY");
    expect((await call("GET", "/crm/v3/objects/contacts")).status).toBe(200);
    expect((await call("GET", "/crm/v3/properties/calls")).status).toBe(503);
    expect((await call("GET", "/calling/v1/dispositions")).status).toBe(401);
    expect((await call("GET", "/calling/v1/dispositions")).status).toBe(200);
    expect(sandbox.stats().faults).toMatchObject({ "rate-limit": 1, "server-error": 1, "invalid-token": 1 });
    expect(sandbox.stats().byKind).toMatchObject({
      "contacts.list": 2,
      "properties.getAll": 1,
      "calling.dispositions": 2,
    });
  });

  it("lost-response applies the request, then drops the connection", async () => {
    const { sandbox } = await start();
    const [a] = sandbox.seedContacts(1) as [string];
    sandbox.injectFault({ kind: "lost-response", match: { kind: "contacts.update" } });
    await expect(
      call("PATCH", `/crm/v3/objects/contacts/${a}`, { properties: { hs_lead_status: "OPEN" } }),
    ).rejects.toThrow();
    expect(sandbox.contact(a)?.properties.hs_lead_status).toBe("OPEN");
  });

  it("timeout holds the request until the client gives up; closing the server frees it", async () => {
    const running = await start();
    // Longer than the test's own timeout: an answer or a close that waited for it would fail the test.
    running.sandbox.injectFault({ kind: "timeout", delayMs: 120_000 });
    const aborted = await fetch(`${running.basePath}/crm/v3/objects/contacts`, {
      headers: { authorization: "Bearer sandbox-token" },
      signal: AbortSignal.timeout(300),
    }).catch((e: unknown) => e);
    // No answer at all: the only way out was the client's own deadline.
    expect(aborted).toBeInstanceOf(DOMException);
    expect((aborted as DOMException).name).toBe("TimeoutError");
    expect(running.sandbox.stats().faults.timeout).toBe(1);
    await running.close();
  });
});

describe("HubSpot sandbox: control API target", () => {
  it("accepts faults as JSON and rejects malformed ones", async () => {
    const { sandbox } = await start();
    const target = sandbox.faultTarget();
    expect(() => target.inject({ kind: "meltdown" })).toThrow();
    target.inject({ kind: "server-error", status: 502, match: { path: "/crm/v3/objects/contacts" } });
    expect((await call("GET", "/crm/v3/objects/contacts")).status).toBe(502);
    target.inject({ kind: "server-error" });
    target.clear();
    expect((await call("GET", "/crm/v3/objects/contacts")).status).toBe(200);
  });
});
