import { serializerCompiler as zodSerializerCompiler } from "fastify-type-provider-zod";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { errorBodySchema } from "../../src/api/errors.js";
import { leaseBodySchema } from "../../src/api/schemas.js";
import { serializerCompiler } from "../../src/api/serializer.js";

const compile = (schema: z.ZodType) => serializerCompiler({ schema, method: "POST", url: "/t" });
const zodCompile = (schema: z.ZodType) => zodSerializerCompiler({ schema, method: "POST", url: "/t" });

const lease = {
  leaseId: "YmVuY2gKMTIzCnRvay1hYmNkZWY",
  expiresAt: "2026-12-01T19:05:00.000Z",
  previewOnly: false,
  attempts: 2,
  internalToken: "never sent",
  lead: {
    key: "sf:Lead:00Q1",
    integration: "sf",
    objectType: "Lead",
    crmId: "00Q1",
    phone: "+14155550100",
    firstName: "Ann",
    email: "ann@example.com",
    doNotCall: false,
    membership: { id: "00v1", status: "Sent", extra: 1 },
    extra: { score: 5, vip: true, note: null, region: "west" },
    modifiedAt: "2026-11-30T10:00:00.000Z",
    parsed: { national: "4155550100" },
  },
};

describe("response serializer compiled from the zod schemas", () => {
  it("writes the JSON zod's encode does: declared fields only, unknown ones dropped", () => {
    const fast = compile(leaseBodySchema)(lease);
    expect(JSON.parse(fast)).toEqual(JSON.parse(zodCompile(leaseBodySchema)(lease)));
    expect(fast).not.toContain("never sent");
    expect(fast).not.toContain("national");
    const error = { error: "lease_not_held", message: "gone", stack: "at x" };
    expect(JSON.parse(compile(errorBodySchema)(error))).toEqual({ error: "lease_not_held", message: "gone" });
  });

  it("keeps zod for a schema JSON Schema cannot express", () => {
    const withDate = z.object({ at: z.date() });
    const at = new Date("2026-12-01T00:00:00.000Z");
    expect(JSON.parse(compile(withDate)({ at }))).toEqual({ at: at.toISOString() });
  });
});
