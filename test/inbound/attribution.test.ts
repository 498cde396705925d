import { describe, expect, it } from "vitest";
import { attributeCall, type KnownLead, maskName } from "../../src/outcomes/attribution.js";

function known(crmId: string, modifiedAt: string, firstName = "Ann", lastName = "Lee"): KnownLead {
  return {
    campaign: "q4",
    lead: {
      key: `sf/Lead/${crmId}`,
      integration: "sf",
      objectType: "Lead",
      crmId,
      phone: "+14155550142",
      firstName,
      lastName,
      doNotCall: false,
      extra: {},
      modifiedAt,
    },
  };
}

const a = known("A", "2026-11-01T10:00:00Z");
const b = known("B", "2026-11-20T10:00:00Z");
const c = known("C", "2026-11-10T10:00:00Z");

describe("attributing an inbound call to one lead", () => {
  it.each([
    [
      "a recent lease wins over several matches",
      { recentLease: c, matches: [a, b, c], policy: "ask" },
      "C",
      "recent-lease",
    ],
    [
      "one known match is the record",
      { recentLease: undefined, matches: [b, b], policy: "ask" },
      "B",
      "single-match",
    ],
    [
      "newest takes the latest modification (B, 20 Nov)",
      { recentLease: undefined, matches: [a, c, b], policy: "newest" },
      "B",
      "newest",
    ],
  ] as const)("%s", (_label, input, crmId, by) => {
    const attribution = attributeCall({ ...input, matches: [...input.matches] });
    expect(attribution).toMatchObject({ ok: true, by });
    expect(attribution.ok && attribution.lead.lead.crmId).toBe(crmId);
  });

  it("asks with every candidate, names masked, when several match and the policy is ask", () => {
    const attribution = attributeCall({ recentLease: undefined, matches: [c, a, b], policy: "ask" });
    expect(attribution).toEqual({
      ok: false,
      problem: "ambiguous_caller",
      candidates: [
        { leadKey: "sf/Lead/A", name: "A** L**", modifiedAt: "2026-11-01T10:00:00Z" },
        { leadKey: "sf/Lead/B", name: "A** L**", modifiedAt: "2026-11-20T10:00:00Z" },
        { leadKey: "sf/Lead/C", name: "A** L**", modifiedAt: "2026-11-10T10:00:00Z" },
      ],
    });
  });

  it("says the caller is unknown when no lead carries the number", () => {
    expect(attributeCall({ recentLease: undefined, matches: [], policy: "newest" })).toEqual({
      ok: false,
      problem: "unknown_caller",
    });
  });

  it.each([
    ["Jane", "J***"],
    ["Al", "A**"],
    ["Bartholomew", "B******"],
    ["", ""],
    [undefined, ""],
  ])("masks %s as %s", (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});
