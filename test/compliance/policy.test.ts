import { describe, expect, it } from "vitest";
import { nanpAreaCodesMeta } from "../../src/compliance/data/nanp-area-codes.js";
import { phoneTimezonesMeta } from "../../src/compliance/data/phone-timezones.js";
import { postalHintsMeta } from "../../src/compliance/data/postal-hints.js";
import { regionZonesMeta } from "../../src/compliance/data/region-zones.js";
import {
  abandonmentStatus,
  campaignCompliancePolicySchema,
  defaultRuleSet,
  ruleSetSchema,
} from "../../src/compliance/index.js";

describe("campaign compliance policy schema", () => {
  it("has conservative defaults", () => {
    expect(campaignCompliancePolicySchema.parse({})).toEqual({
      callingDays: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
      callingHours: [{ start: "00:00", end: "24:00" }],
      unknownLocation: "block",
      frequencyCap: { maxAttempts: 5, windowHours: 24 },
      requiredRegistries: ["US", "CA", "GB", "AU"],
      registryMaxAgeDays: {},
      abandonmentThreshold: 0.025,
    });
  });

  it.each([
    [{ callingHours: [{ start: "21:00", end: "08:00" }] }, "callingHours.0"],
    [{ callingHours: [{ start: "8:00", end: "20:00" }] }, "callingHours.0.start"],
    [{ callingDays: ["monday"] }, "callingDays.0"],
    [{ abandonmentThreshold: 0.05 }, "abandonmentThreshold"],
    [{ unknownLocation: "allow" }, "unknownLocation"],
    [{ requiredRegistries: ["usa"] }, "requiredRegistries.0"],
  ])("rejects %j at %s", (input, path) => {
    const result = campaignCompliancePolicySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toContain(path);
  });
});

describe("rule data", () => {
  it("the shipped rule set validates against its schema", () => {
    expect(() => ruleSetSchema.parse(defaultRuleSet())).not.toThrow();
  });

  it("every dataset names a version, an effective date and sources", () => {
    const rules = defaultRuleSet();
    const metas = [
      ...rules.callingHours,
      rules.frequencyCaps,
      rules.registries,
      rules.holidayCalendars,
      nanpAreaCodesMeta,
      phoneTimezonesMeta,
      postalHintsMeta,
      regionZonesMeta,
    ];
    for (const meta of metas) {
      expect(meta.version, meta.id).toMatch(/\S/);
      expect(meta.effectiveFrom, meta.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(meta.sources.length, meta.id).toBeGreaterThan(0);
    }
  });

  it("no state is looser than the federal window", () => {
    const rules = defaultRuleSet().callingHours.flatMap((d) => d.rules);
    for (const rule of rules.filter((r) => r.jurisdiction.startsWith("US-"))) {
      for (const windows of Object.values(rule.days)) {
        for (const w of windows) {
          expect(w.start >= "08:00" && w.end <= "21:00", `${rule.jurisdiction} ${w.start}-${w.end}`).toBe(
            true,
          );
        }
      }
    }
  });
});

describe("abandonment guard", () => {
  it.each([
    [{ abandoned: 0, liveAnswered: 0 }, 0, false],
    [{ abandoned: 2, liveAnswered: 100 }, 0.02, false],
    [{ abandoned: 25, liveAnswered: 1000 }, 0.025, true],
    [{ abandoned: 3, liveAnswered: 100 }, 0.03, true],
  ])("%j → rate %f, previewOnly %s", (counts, rate, previewOnly) => {
    expect(abandonmentStatus(counts, 0.025)).toEqual({ rate, previewOnly });
  });

  it("rejects negative counts", () => {
    expect(() => abandonmentStatus({ abandoned: -1, liveAnswered: 10 }, 0.025)).toThrow(RangeError);
  });
});
