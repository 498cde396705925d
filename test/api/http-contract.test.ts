import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, outcomeBody, startHarness } from "../support/harness.js";

/** Every error of the API has this shape and nothing of the framework's internals. */
function expectErrorShape(value: unknown, code: string): void {
  const body = value as Record<string, unknown>;
  expect(body.error).toBe(code);
  expect(typeof body.message).toBe("string");
  expect(JSON.stringify(body)).not.toMatch(/FST_/);
  expect(Object.keys(body).every((k) => ["error", "message", "details"].includes(k))).toBe(true);
}

describe("HTTP contract: one error shape, an OpenAPI 3.1 document", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ leads: 5 });
  });
  afterAll(async () => h?.close());

  it("serves /openapi.json, a valid OpenAPI 3.1 document of the dialer routes, and a docs page", async () => {
    const response = await fetch(`${h.url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe("3.1.0");
    for (const path of [
      "/v1/campaigns/{campaign}/leases",
      "/v1/leases/{leaseId}/outcome",
      "/v1/leases/{leaseId}/extend",
      "/v1/leases/{leaseId}/release",
      "/v1/consent",
      "/v1/campaigns/{campaign}/stats",
    ])
      expect(Object.keys(document.paths)).toContain(path);
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, JSON.stringify(result.valid ? [] : result.errors)).toBe(true);
    const docs = await fetch(`${h.url}/docs`, { redirect: "follow" });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("swagger");
  });

  it("an unknown route: 404 route_not_found (401 first without a key)", async () => {
    const known = await h.call("GET", "/v1/nothing-here");
    expect(known.status).toBe(404);
    expectErrorShape(await known.json(), "route_not_found");
    const anonymous = await fetch(`${h.url}/v1/nothing-here`);
    expect(anonymous.status).toBe(401);
    expectErrorShape(await anonymous.json(), "unauthorized");
  });

  it("a body of the wrong media type: 415 unsupported_media_type, no framework code", async () => {
    const lease = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as { leaseId: string };
    const response = await h.call("POST", `/v1/leases/${lease.leaseId}/outcome`, "<outcome/>", {
      "content-type": "application/xml",
    });
    expect(response.status).toBe(415);
    expectErrorShape(await response.json(), "unsupported_media_type");
  });

  it("a body too large: 413 body_too_large", async () => {
    const response = await h.call("POST", "/v1/consent", {
      phone: "+14155550100",
      notes: "x".repeat(300_000),
    });
    expect(response.status).toBe(413);
    expectErrorShape(await response.json(), "body_too_large");
  });

  it("an invalid outcome: 400 invalid_request with one detail per field", async () => {
    const lease = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as { leaseId: string };
    const response = await h.call(
      "POST",
      `/v1/leases/${lease.leaseId}/outcome`,
      outcomeBody("bad-1", { durationSec: -5, disposition: "teleported" }),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { details: Array<{ path: string; message: string }> };
    expectErrorShape(body, "invalid_request");
    const paths = body.details.map((d) => d.path);
    expect(paths).toContain("body.durationSec");
    expect(paths).toContain("body.disposition");
  });

  it("an unknown lease id is 404 lease_not_found; a lease no longer held is 409 lease_not_held", async () => {
    const unknown = await h.call("POST", "/v1/leases/not-a-lease/extend");
    expect(unknown.status).toBe(404);
    expectErrorShape(await unknown.json(), "lease_not_found");
    const lease = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as { leaseId: string };
    expect((await h.call("POST", `/v1/leases/${lease.leaseId}/release`)).status).toBe(204);
    const gone = await h.call("POST", `/v1/leases/${lease.leaseId}/extend`);
    expect(gone.status).toBe(409);
    expectErrorShape(await gone.json(), "lease_not_held");
    const campaign = await h.call("POST", "/v1/campaigns/nope/leases");
    expect(campaign.status).toBe(404);
    expectErrorShape(await campaign.json(), "campaign_not_found");
  });
});
