import { describe, expect, it } from "vitest";
import { gate, tzVersion } from "../../src/compliance/index.js";
import { isValidZone, localTime, offsetAt } from "../../src/compliance/time/zoned.js";
import { gateInput } from "./support/inputs.js";

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

// IANA tz NEWS: 2026b "British Columbia moved to permanent -07 on 2026-03-09"; 2026c "Alberta moved
// to permanent -06 on 2026-06-18"; both modelled as changing on 2026-11-01 02:00 (same UT offsets,
// a CLDR workaround). 2026d: Northwest Territories follows Alberta. 2026e/f: Manitoba permanent -05.
describe("IANA tz data shipped with telesync, not the runtime's", () => {
  it("is a named release at least as new as 2026c", () => {
    expect(tzVersion).toMatch(/^20\d\d[a-z]$/);
    expect(tzVersion >= "2026c").toBe(true);
  });

  it.each([
    ["America/Vancouver", -7, "BC: permanent UTC-7 (no fall back on 2026-11-01)"],
    ["America/Edmonton", -6, "Alberta: permanent UTC-6"],
    ["America/Yellowknife", -6, "NWT (link to Edmonton)"],
    ["America/Regina", -6, "Saskatchewan: CST all year, as before"],
    ["America/Creston", -7, "Creston: MST all year, as before"],
    ["America/Dawson_Creek", -7, "Dawson Creek: MST all year"],
    ["America/Fort_Nelson", -7, "Fort Nelson: MST all year"],
    ["America/Whitehorse", -7, "Yukon: UTC-7 all year since 2020"],
    ["America/Los_Angeles", -8, "Washington/California still fall back"],
    ["America/Denver", -7, "US Mountain still falls back"],
  ])("%s at 2026-11-16 is UTC%i (%s)", (zone, hours) => {
    expect(offsetAt(zone, at("2026-11-16T12:00:00Z"))).toBe(hours * HOUR);
  });

  it("BC and Alberta kept summer time through the transition of 2026-11-01", () => {
    for (const t of [
      "2026-10-31T12:00:00Z",
      "2026-11-01T12:00:00Z",
      "2027-03-15T12:00:00Z",
      "2027-11-08T12:00:00Z",
    ]) {
      expect(offsetAt("America/Vancouver", at(t))).toBe(-7 * HOUR);
      expect(offsetAt("America/Edmonton", at(t))).toBe(-6 * HOUR);
    }
    // 21:30 local in Vancouver on Monday 16 Nov 2026 is 04:30Z on the 17th (UTC-7, not UTC-8).
    expect(localTime("America/Vancouver", at("2026-11-17T04:30:00Z")).msOfDay).toBe(21.5 * HOUR);
  });

  it("zones unknown to the shipped release are refused, not guessed", () => {
    expect(isValidZone("America/Vancouver")).toBe(true);
    expect(isValidZone("Mars/Olympus")).toBe(false);
    expect(() => offsetAt("Mars/Olympus", 0)).toThrow(RangeError);
  });
});

describe("the gate applies the 2026 rules", () => {
  it("a Vancouver (604) number at 21:30 local on a weekday is refused (CRTC close 21:30); 2025c would say 20:30", () => {
    const d = gate(gateInput({ phone: "+16045550123" }, "2026-11-17T04:30:00Z"));
    expect(d.decision).toBe("wait");
    if (d.decision === "wait") expect(d.until.toISOString()).toBe("2026-11-17T16:00:00.000Z"); // 09:00 UTC-7
    expect(d.tzVersion).toBe(tzVersion);
  });

  it("a Vancouver number on Saturday at 18:15 local is past the CRTC weekend close (18:00)", () => {
    const d = gate(gateInput({ phone: "+16045550123" }, "2026-11-22T01:15:00Z"));
    expect(d.decision).toBe("wait");
  });

  it("an Oregon (503) number whose CRM zone is Vancouver: the federal 21:00 close in Vancouver time refuses at 21:30", () => {
    // 04:30Z = 20:30 in Portland (UTC-8) but 21:30 in Vancouver (UTC-7): outside 47 CFR 64.1200(c)(1) there.
    const lead = { phone: "+15035550123", timeZone: "America/Vancouver" };
    expect(gate(gateInput(lead, "2026-11-17T04:30:00Z")).decision).toBe("wait");
    const before = gate(gateInput(lead, "2026-11-17T03:30:00Z")); // 20:30 Vancouver, 19:30 Portland
    expect(before.decision).toBe("allow");
    if (before.decision === "allow") expect(before.notAfter.toISOString()).toBe("2026-11-17T04:00:00.000Z");
  });

  it("an Alberta (403) number at 21:40 local (UTC-6) on a weekday is refused; 2025c would say 20:40", () => {
    const d = gate(gateInput({ phone: "+14035550123" }, "2026-11-17T03:40:00Z"));
    expect(d.decision).toBe("wait");
    if (d.decision === "wait") expect(d.until.toISOString()).toBe("2026-11-17T15:00:00.000Z"); // 09:00 UTC-6
  });
});
