import * as libphonenumber from "libphonenumber-js/max";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CrmRecord } from "../../connectors/types.js";
import { campaignCompliancePolicySchema, defaultRuleSet, gate } from "../../src/compliance/index.js";
import { fieldMappingSchema } from "../../src/config/schema.js";
import { mapRecord } from "../../src/mapping/map-record.js";
import { parsePhone } from "../../src/mapping/transforms.js";
import { freshRegistries } from "../compliance/support/inputs.js";

// Every parse of the product (mapping and the gate's location) goes through this one function of
// libphonenumber: wrapped to count the calls, behaviour unchanged.
vi.mock("libphonenumber-js/max", async (importOriginal) => {
  const original = await importOriginal<typeof import("libphonenumber-js/max")>();
  const parse = original.parsePhoneNumberFromString as (...args: unknown[]) => unknown;
  return { ...original, parsePhoneNumberFromString: vi.fn((...args: unknown[]) => parse(...args)) };
});
const parses = vi.mocked(libphonenumber.parsePhoneNumberFromString);

const mapping = fieldMappingSchema.parse({
  defaultCountry: "US",
  fields: [
    { to: "phone", from: "Phone", transform: ["phone"], required: true },
    { to: "altPhones", from: "MobilePhone", transform: ["phone"] },
    { to: "lastName", from: "LastName" },
    { to: "region", from: "State" },
  ],
});

function record(i: number, fields: Record<string, unknown>): CrmRecord {
  const id = `00Q${String(i).padStart(12, "0")}AAA`;
  return { objectType: "Lead", id, modifiedAt: "2026-11-01T10:00:00.000Z", fields, sourceRef: id };
}

/** Tuesday 8 December 2026, 15:00 in New York: inside every US window. */
const now = new Date("2026-12-08T20:00:00Z");
const campaign = campaignCompliancePolicySchema.parse({});
const decide = (result: ReturnType<typeof mapRecord>, carry: boolean) => {
  if (!result.ok) throw new Error(result.problems.join("; "));
  return gate({
    lead: result.lead,
    campaign,
    policy: defaultRuleSet(),
    history: { attempts: [] },
    suppression: { internalDnc: false, registries: freshRegistries(now) },
    now,
    ...(carry ? { parsedPhone: result.parsedPhone } : {}),
  });
};

describe("each phone is parsed once per record", () => {
  beforeEach(() => {
    parses.mockClear();
  });

  it("mapping parses each number once, and the gate reuses the parse it carries", () => {
    const records = Array.from({ length: 20 }, (_, i) =>
      record(i, {
        Phone: `(212) 555-${String(1000 + i)}`,
        MobilePhone: `(415) 555-${String(2000 + i)}`,
        LastName: `Lead${i}`,
        State: "NY",
      }),
    );
    const decisions = records.map((r) => decide(mapRecord(r, "sf", mapping), true));
    // Two numbers per record (phone and alt phone), each parsed exactly once, the gate none.
    expect(parses).toHaveBeenCalledTimes(records.length * 2);
    // The carried parse placed the lead as a parse of its own would: area code 212 is New York.
    for (const decision of decisions) {
      expect(decision.decision).toBe("allow");
      expect(decision.location.jurisdictions).toEqual(["US", "US-NY"]);
      expect(decision.location.zones).toEqual(["America/New_York"]);
    }
  });

  it("without the carried parse the gate parses again (the count sees the gate's parse)", () => {
    const mapped = mapRecord(record(1, { Phone: "(212) 555-0102", LastName: "NewYork" }), "sf", mapping);
    expect(parses).toHaveBeenCalledTimes(1);
    decide(mapped, false);
    expect(parses).toHaveBeenCalledTimes(2);
    decide(mapped, true);
    expect(parses).toHaveBeenCalledTimes(2);
  });

  it("an injected parser sees one call per number of the record", () => {
    const parser = vi.fn((input: string, country: string) => parsePhone(input, country));
    const result = mapRecord(
      record(2, { Phone: "+1 212 555 0102", MobilePhone: "212.555.0103", LastName: "Doe" }),
      "sf",
      mapping,
      parser,
    );
    expect(result.ok).toBe(true);
    expect(parser.mock.calls.map(([input]) => input)).toEqual(["+1 212 555 0102", "212.555.0103"]);
    expect(result.ok && result.parsedPhone?.number).toBe("+12125550102");
  });
});
