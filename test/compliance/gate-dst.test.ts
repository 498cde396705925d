import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { attemptsArb, campaigns, dstTransitions, leadArb, toInput } from "./support/arbitraries.js";
import { checkDecision, stats } from "./support/check.js";

const zonesByCountry = {
  US: [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Boise",
    "America/Los_Angeles",
    "America/Anchorage",
    "America/Adak",
  ],
  CA: [
    "America/Toronto",
    "America/Winnipeg",
    "America/Edmonton",
    "America/Vancouver",
    "America/Halifax",
    "America/St_Johns",
    "America/Moncton",
  ],
  GB: ["Europe/London"],
  AU: [
    "Australia/Sydney",
    "Australia/Melbourne",
    "Australia/Adelaide",
    "Australia/Hobart",
    "Australia/Lord_Howe",
    "Australia/Broken_Hill",
  ],
} as const;
type Country = keyof typeof zonesByCountry;
const transitions = (Object.keys(zonesByCountry) as Country[]).flatMap((country) =>
  dstTransitions(zonesByCountry[country]).map((t) => ({ ...t, country })),
);

describe("gate around every DST transition of 2026-2027 (US, CA, UK, AU zones)", () => {
  afterAll(() => console.log("gate-dst decisions:", stats, "transitions:", transitions.length));

  it("finds four transitions per zone, one for BC, Alberta and Manitoba (no change after 2026-03-08)", () => {
    const stopped = ["America/Vancouver", "America/Edmonton", "America/Winnipeg"];
    for (const zone of Object.values(zonesByCountry).flat()) {
      const found = transitions.filter((t) => t.zone === zone).length;
      expect(found, zone).toBe(stopped.includes(zone) ? 1 : 4);
    }
  });

  it("random leads in the transition's country, within ±36 h of a transition (40,000 runs)", () => {
    const arb = fc.constantFrom(...transitions).chain((t) =>
      fc.tuple(
        leadArb([t.country]).map((lead) => ({ ...lead, timeZone: t.zone })),
        fc.constantFrom(...campaigns),
        fc.integer({ min: t.at - 36 * 3_600_000, max: t.at + 36 * 3_600_000 }),
        attemptsArb,
      ),
    );
    let run = 0;
    fc.assert(
      fc.property(arb, ([lead, campaign, now, attempts]) => {
        checkDecision(toInput(lead, campaign, now, attempts), { scan: run++ % 500 === 0 });
      }),
      { numRuns: 40_000 },
    );
    // A fixed number of runs, not a speed assertion: on a shared 2-core machine it can exceed 60 s.
  }, 600_000);

  it("every transition, every 20 minutes from 30 h before to 30 h after, default campaign", () => {
    const phones: Record<Country, string> = {
      US: "+12125550123",
      CA: "+14165551234",
      GB: "+442071234567",
      AU: "+61292345678",
    };
    for (const t of transitions) {
      for (let now = t.at - 30 * 3_600_000; now <= t.at + 30 * 3_600_000; now += 20 * 60_000) {
        checkDecision(
          toInput(
            { phone: phones[t.country], timeZone: t.zone },
            campaigns[0] as (typeof campaigns)[0],
            now,
            [],
          ),
        );
      }
    }
  });
});
