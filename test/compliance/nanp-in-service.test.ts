import { readFileSync } from "node:fs";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { describe, expect, it } from "vitest";
import { nanpAreaCodes } from "../../src/compliance/data/nanp-area-codes.js";
import { phoneTimezonesText } from "../../src/compliance/data/phone-timezones.js";
import { resolveLocation } from "../../src/compliance/index.js";
import { isValidZone, offsetAt } from "../../src/compliance/time/zoned.js";

/** The in-service list (its header names the sources and the date read). */
const inService = new Map(
  readFileSync(new URL("./data/nanp-in-service.txt", import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => {
      const [npa = "", regions = ""] = line.trim().split(/\s+/);
      return [npa, regions.split(",")] as const;
    }),
);

describe("every NANP area code in service is known with its zones and state/province", () => {
  it("the in-service list is plausible (US, territories, Canada)", () => {
    expect(inService.size).toBeGreaterThan(400);
    for (const npa of [
      "212",
      "850",
      "448",
      "689",
      "907",
      "787",
      "340",
      "671",
      "670",
      "684",
      "604",
      "257",
      "867",
    ])
      expect(inService.has(npa), npa).toBe(true);
  });

  it.each([...inService])("%s is in nanp-area-codes with its region and valid zones", (npa, regions) => {
    const area = nanpAreaCodes[npa];
    expect(area, `${npa} missing from src/compliance/data/nanp-area-codes.ts`).toBeDefined();
    if (!area) return;
    expect([...area.regions].sort()).toEqual([...regions].sort());
    expect(area.zones.length).toBeGreaterThan(0);
    expect(area.zones.filter((z) => !isValidZone(z))).toEqual([]);
    expect(area.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("the table lists nothing that is not in service", () => {
    expect(Object.keys(nanpAreaCodes).filter((npa) => !inService.has(npa))).toEqual([]);
  });

  it("every geographic NPA that libphonenumber-js validates for US/CA/territories is in the list (a new overlay fails here)", () => {
    const exchanges = [
      "2345678",
      "5550123",
      "2021234",
      "3334444",
      "4567890",
      "7771234",
      "8881234",
      "9991234",
    ];
    const extra = ["6201234", "4441234", "3211234", "2501234", "2581234", "6331234", "7331234"];
    const missing: string[] = [];
    for (let npa = 200; npa <= 999; npa++) {
      for (const rest of [...exchanges, ...extra]) {
        const parsed = parsePhoneNumberFromString(`+1${npa}${rest}`);
        if (!parsed?.isValid()) continue;
        const geographic = ["FIXED_LINE", "FIXED_LINE_OR_MOBILE", "MOBILE"].includes(parsed.getType() ?? "");
        const covered = ["US", "CA", "PR", "VI", "GU", "MP", "AS"].includes(parsed.country ?? "");
        if (geographic && covered && !inService.has(String(npa))) missing.push(`${npa} (${parsed.country})`);
        break;
      }
    }
    expect(missing).toEqual([]);
  });

  it("a number of every in-service area code resolves to exactly its area's zones (no default zone)", () => {
    for (const [npa] of inService) {
      const area = nanpAreaCodes[npa];
      const location = resolveLocation({ phone: `+1${npa}2345678` });
      if (location.unknown) continue; // libphonenumber-js rejects that exchange; other exchanges are covered above
      expect([...location.zones].sort(), npa).toEqual([...(area?.zones ?? [])].sort());
    }
  });
});

// libphonenumber's map_data.txt (2018 statistics) as a floor: every zone it names for an area code or
// any exchange in it must behave like one of ours. Rejected lines are listed with the reason.
const rejected: Readonly<Record<string, string>> = {
  "907 Pacific/Honolulu": "907-581 Unalaska is on Alaska time (east of 169°30'W); Adak/Atka are America/Adak",
  "867 America/Vancouver": "Yukon is on UTC-7 all year since 2020 (America/Whitehorse), not Pacific",
  "867 America/Winnipeg":
    "Kivalliq (Rankin Inlet) keeps Central time with DST (America/Rankin_Inlet); Manitoba is UTC-5 all year from 2026-11-01 (IANA 2026f)",
  "689 America/Chicago": "689 overlays 407/321 (Orlando), Eastern time (NANPA overlay; 49 CFR 71.4)",
};
const samples = ["2026-01-15", "2026-07-15", "2026-11-15", "2027-01-15", "2027-07-15"].map((d) =>
  Date.parse(`${d}T12:00:00Z`),
);
const alike = (a: string, b: string) => samples.every((t) => offsetAt(a, t) === offsetAt(b, t));

describe("cross-check with libphonenumber's prefix → zone map (2018)", () => {
  const byArea = new Map<string, Set<string>>();
  for (const line of phoneTimezonesText.split("\n")) {
    const m = /^1([2-9]\d\d)\d*\|(.+)$/.exec(line.trim());
    if (!m?.[1] || !m[2]) continue;
    const set = byArea.get(m[1]) ?? new Set<string>();
    for (const zone of m[2].split("&")) set.add(zone);
    byArea.set(m[1], set);
  }

  it("every zone libphonenumber gives an in-service area or exchange is among ours (or rejected with a reason)", () => {
    const uncovered: string[] = [];
    for (const [npa, zones] of byArea) {
      const ours = nanpAreaCodes[npa]?.zones;
      if (!ours) continue; // Caribbean NANP countries are resolved by libphonenumber's map
      for (const zone of zones) {
        if (rejected[`${npa} ${zone}`]) continue;
        if (!ours.some((z) => alike(z, zone))) uncovered.push(`${npa} ${zone}`);
      }
    }
    expect(uncovered).toEqual([]);
  });

  it("every rejection still concerns a line that exists", () => {
    for (const key of Object.keys(rejected)) {
      const [npa = "", zone = ""] = key.split(" ");
      expect(byArea.get(npa)?.has(zone), key).toBe(true);
    }
  });
});
