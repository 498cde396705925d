import { describe, expect, it } from "vitest";
import { nanpAreaCodes } from "../../src/compliance/data/nanp-area-codes.js";
import { regionZones } from "../../src/compliance/data/region-zones.js";
import { resolveLocation } from "../../src/compliance/index.js";
import { allPhoneZones } from "../../src/compliance/location/phone-zones.js";
import { regionsForPostalCode } from "../../src/compliance/location/postal.js";
import { isValidZone } from "../../src/compliance/time/zoned.js";

describe("resolveLocation: phone prefix", () => {
  const ID = ["America/Boise", "America/Los_Angeles"];
  const FL_PANHANDLE = ["America/Chicago", "America/New_York"];
  it.each([
    ["+12082091234", ID, "208: Idaho, Mountain and Pacific"],
    ["+12082011234", ID, "208 201: the area's zones, no 2018 exchange narrowing"],
    ["+18502001234", FL_PANHANDLE, "850 200: every zone of the panhandle"],
    ["+18505550123", FL_PANHANDLE, "850 default: every zone of the panhandle"],
    ["+14485550123", FL_PANHANDLE, "448 overlays 850: same zones"],
    ["+12702021234", ["America/Chicago", "America/Kentucky/Louisville"], "270 KY Central and Eastern"],
    ["+13645550123", ["America/Chicago", "America/Kentucky/Louisville"], "364 overlays 270"],
    ["+16895550123", ["America/New_York"], "689 Orlando, Eastern"],
    [
      "+14745550123",
      ["America/Edmonton", "America/Regina", "America/Swift_Current", "America/Winnipeg"],
      "474 Saskatchewan",
    ],
    ["+14165551234", ["America/Toronto"], "416 Toronto"],
    [
      "+19075810123",
      [
        "America/Adak",
        "America/Anchorage",
        "America/Juneau",
        "America/Metlakatla",
        "America/Nome",
        "America/Sitka",
        "America/Yakutat",
      ],
      "907-581 Unalaska: Alaska zones (and Adak for the area), never Honolulu",
    ],
    [
      "+18672001234",
      [
        "America/Atikokan",
        "America/Cambridge_Bay",
        "America/Dawson",
        "America/Edmonton",
        "America/Inuvik",
        "America/Iqaluit",
        "America/Rankin_Inlet",
        "America/Resolute",
        "America/Whitehorse",
      ],
      "867: every zone of the three territories, not Fort Nelson",
    ],
    [
      "+12505550123",
      [
        "America/Creston",
        "America/Dawson_Creek",
        "America/Edmonton",
        "America/Fort_Nelson",
        "America/Vancouver",
      ],
      "250: BC incl. East Kootenay, Creston, Peace River, Fort Nelson",
    ],
    ["+442071234567", ["Europe/London"], "London fixed line"],
    ["+61292345678", ["Australia/Sydney", "Australia/Lord_Howe"], "02: NSW incl. Lord Howe Island"],
    ["+61733700000", ["Australia/Brisbane", "Australia/Sydney"], "07: Queensland (no DST) and Tweed Heads"],
  ])("%s → %j (%s)", (phone, zones) => {
    const location = resolveLocation({ phone });
    expect(location.unknown).toBe(false);
    expect([...location.zones].sort()).toEqual([...zones].sort());
  });

  it("a split area code places the lead in the state of the area code", () => {
    expect(resolveLocation({ phone: "+12082091234" }).jurisdictions).toEqual(["US", "US-ID"]);
    expect(resolveLocation({ phone: "+18502001234" }).jurisdictions).toEqual(["US", "US-FL"]);
  });

  it.each([
    ["+18002345678", "toll-free 800"],
    ["+18885551234", "toll-free 888"],
    ["+19005551234", "premium rate 900"],
    ["+15005551234", "personal number 500"],
    ["+1208", "not a number"],
    ["+12425551234", "invalid Bahamas number"],
  ])("%s (%s) → unknown", (phone) => {
    const location = resolveLocation({ phone });
    expect(location.unknown).toBe(true);
    expect(location.zones).toEqual([]);
  });

  it("toll-free keeps the country's zones aside for the allow-federal-only policy", () => {
    const location = resolveLocation({ phone: "+18002345678" });
    expect(location.jurisdictions).toEqual(["US"]);
    expect(location.countryZones).toContain("America/New_York");
    expect(location.countryZones).toContain("Pacific/Honolulu");
  });

  it("a mobile outside NANP may be anywhere in its country", () => {
    const au = resolveLocation({ phone: "+61412345678" });
    expect(au.unknown).toBe(false);
    expect(au.zones).toContain("Australia/Perth");
    expect(au.zones).toContain("Australia/Sydney");
    expect(resolveLocation({ phone: "+447400123456" }).zones).toContain("Europe/London");
  });

  it("a US territory number is under US federal rules", () => {
    expect(resolveLocation({ phone: "+17875551234" }).jurisdictions).toEqual(["US", "US-PR"]);
    expect(resolveLocation({ phone: "+17875551234", postalCode: "00901" }).basis).toContain(
      "postal code 00901 → US-PR (America/Puerto_Rico)",
    );
  });
});

describe("resolveLocation: address, postal code and CRM zone are united with the phone", () => {
  it("a Florida area code with a New York address: both states apply", () => {
    const location = resolveLocation({
      phone: "+13055550123",
      country: "US",
      region: "NY",
      postalCode: "10001",
    });
    expect(location.jurisdictions).toEqual(["US", "US-FL", "US-NY"]);
    expect(location.zones).toEqual(["America/New_York"]);
    expect(location.unknown).toBe(false);
  });

  it("an address state adds every zone used in that state", () => {
    const location = resolveLocation({ phone: "+12125550123", country: "US", region: "FL" });
    expect([...location.zones].sort()).toEqual(["America/Chicago", "America/New_York"]);
  });

  it("accepts full state names and US- prefixes", () => {
    expect(
      resolveLocation({ phone: "+12125550123", country: "USA", region: "Texas" }).jurisdictions,
    ).toContain("US-TX");
    expect(resolveLocation({ phone: "+12125550123", region: "US-AL" }).jurisdictions).toContain("US-AL");
  });

  it("postal codes add their state or province", () => {
    expect(resolveLocation({ phone: "+12125550123", postalCode: "32501" }).jurisdictions).toContain("US-FL");
    expect(resolveLocation({ phone: "+14165551234", postalCode: "V6B 1A1" }).jurisdictions).toContain(
      "CA-BC",
    );
    expect(regionsForPostalCode("AU", "6000")).toEqual(["WA"]);
    expect(regionsForPostalCode("US", "99501-1234")).toEqual(["AK"]);
    expect(regionsForPostalCode("US", "ABCDE")).toEqual([]);
  });

  it("a CRM time zone is one more candidate; an invalid one is ignored and noted", () => {
    expect(resolveLocation({ phone: "+12125550123", timeZone: "America/Chicago" }).zones).toEqual([
      "America/New_York",
      "America/Chicago",
    ]);
    const bad = resolveLocation({ phone: "+12125550123", timeZone: "Mars/Olympus" });
    expect(bad.zones).toEqual(["America/New_York"]);
    expect(bad.basis.join(" ")).toContain("not an IANA zone");
  });

  it("a toll-free number with an address stays unknown but keeps the address zones", () => {
    const location = resolveLocation({ phone: "+18002345678", country: "US", region: "NY" });
    expect(location.unknown).toBe(true);
    expect(location.zones).toEqual(["America/New_York"]);
    expect(location.jurisdictions).toEqual(["US", "US-NY"]);
  });

  it("records the basis of every candidate", () => {
    const { basis } = resolveLocation({ phone: "+18502001234", country: "US", region: "GA" });
    expect(basis).toEqual([
      "area code 850 → US-FL (presumed residence), zones America/Chicago, America/New_York (nanp-area-codes, checked 2026-11-30)",
      "address region GA → US-GA (America/New_York)",
    ]);
  });
});

describe("location data", () => {
  it("every zone in the shipped data is known to the shipped IANA release", () => {
    const zones = new Set([
      ...allPhoneZones(),
      ...Object.values(regionZones).flat(),
      ...Object.values(nanpAreaCodes).flatMap((a) => a.zones),
    ]);
    expect([...zones].filter((z) => !isValidZone(z))).toEqual([]);
  });

  it("every area code maps to known jurisdictions", () => {
    const regions = new Set(Object.values(nanpAreaCodes).flatMap((a) => a.regions));
    expect([...regions].filter((r) => r !== "CA" && !regionZones[r])).toEqual([]);
    expect(Object.keys(nanpAreaCodes).length).toBeGreaterThan(380);
  });
});
