// An oracle that shares nothing with the gate's zone or rule data: expected outcomes are derived by
// hand from the numbering plans (NANPA/CNA area-code and overlay maps), 49 CFR 71 and provincial time
// laws, IANA tz 2026b-f for the 2026 Canadian changes, the federal window 08:00-21:00 local
// (47 CFR 64.1200(c)(1)), Florida's 08:00-20:00 (Fla. Stat. 501.616(6)(a)) and the CRTC's
// 09:00-21:30 weekdays (Unsolicited Telecommunications Rules, Part III s. 33).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type GateLead, gate } from "../../src/compliance/index.js";
import { gateInput } from "./support/inputs.js";
import { wallTime } from "./support/wall-clock.js";

type Expected = "allow" | "hold";
// Dates: Tuesday 8 Dec 2026 (no holiday), standard time: ET -5, CT -6, MT -7, PT -8, AK -9, HA -10;
// BC -7 and Alberta -6 all year, Manitoba -5 all year, Saskatchewan -6, Atlantic -4.
const cases: ReadonlyArray<readonly [string, GateLead, string, Expected]> = [
  [
    "448 overlays 850: 08:30 ET is 07:30 in the Central panhandle",
    { phone: "+14485550123" },
    "2026-12-08T13:30:00Z",
    "hold",
  ],
  [
    "448: 19:30 ET / 18:30 CT, inside FL 08-20 in both",
    { phone: "+14485550123" },
    "2026-12-09T00:30:00Z",
    "allow",
  ],
  [
    "448: 20:30 ET is past Florida's 20:00 in the Eastern part",
    { phone: "+14485550123" },
    "2026-12-09T01:30:00Z",
    "hold",
  ],
  ["850: 08:30 ET is 07:30 CT", { phone: "+18505550123" }, "2026-12-08T13:30:00Z", "hold"],
  ["689 Orlando is Eastern only: 08:30 ET", { phone: "+16895550123" }, "2026-12-08T13:30:00Z", "allow"],
  ["689: 20:30 ET past Florida's 20:00", { phone: "+16895550123" }, "2026-12-09T01:30:00Z", "hold"],
  ["364 overlays 270: 21:30 ET / 20:30 CT", { phone: "+13645550123" }, "2026-12-09T02:30:00Z", "hold"],
  ["364: 13:00 ET / 12:00 CT", { phone: "+13645550123" }, "2026-12-08T18:00:00Z", "allow"],
  ["930 overlays 812: 21:30 ET / 20:30 CT", { phone: "+19305550123" }, "2026-12-09T02:30:00Z", "hold"],
  ["930: 08:30 ET / 07:30 CT", { phone: "+19305550123" }, "2026-12-08T13:30:00Z", "hold"],
  ["930: 09:30 ET / 08:30 CT", { phone: "+19305550123" }, "2026-12-08T14:30:00Z", "allow"],
  [
    "458 overlays 541: 07:30 PT / 08:30 MT (Malheur)",
    { phone: "+14585550123" },
    "2026-12-08T15:30:00Z",
    "hold",
  ],
  ["458: 20:30 PT / 21:30 MT", { phone: "+14585550123" }, "2026-12-09T04:30:00Z", "hold"],
  ["458: 19:30 PT / 20:30 MT", { phone: "+14585550123" }, "2026-12-09T03:30:00Z", "allow"],
  ["402 (Cody on Mountain): 08:30 CT / 07:30 MT", { phone: "+14025550123" }, "2026-12-08T14:30:00Z", "hold"],
  ["402: 21:30 CT / 20:30 MT", { phone: "+14025550123" }, "2026-12-09T03:30:00Z", "hold"],
  [
    "907-581 Unalaska on Alaska time: 21:30 AKST / 20:30 HAST",
    { phone: "+19075810123" },
    "2026-12-09T06:30:00Z",
    "hold",
  ],
  ["907: 08:30 AKST / 07:30 HAST (Adak)", { phone: "+19075550123" }, "2026-12-08T17:30:00Z", "hold"],
  ["907: 11:00 AKST / 10:00 HAST", { phone: "+19075550123" }, "2026-12-08T20:00:00Z", "allow"],
  [
    "778 BC: 20:45 Vancouver (UTC-7) is 21:45 in the East Kootenay (UTC-6)",
    { phone: "+17785550123" },
    "2026-12-09T03:45:00Z",
    "hold",
  ],
  ["257 BC: 20:15 Vancouver / 21:15 Cranbrook", { phone: "+12575550123" }, "2026-12-09T03:15:00Z", "allow"],
  ["236 BC: 08:45 in Vancouver and Creston", { phone: "+12365550123" }, "2026-12-08T15:45:00Z", "hold"],
  [
    "604 Vancouver: 21:45 at UTC-7 (2025c would say 20:45)",
    { phone: "+16045550123" },
    "2026-12-09T04:45:00Z",
    "hold",
  ],
  [
    "403 Alberta: 21:45 at UTC-6 (2025c would say 20:45)",
    { phone: "+14035550123" },
    "2026-12-09T03:45:00Z",
    "hold",
  ],
  [
    "581 overlays 418: 20:45 Quebec City is 21:45 on the Magdalen Islands",
    { phone: "+15815550123" },
    "2026-12-09T01:45:00Z",
    "hold",
  ],
  ["367: 20:15 Quebec / 21:15 Magdalen Islands", { phone: "+13675550123" }, "2026-12-09T01:15:00Z", "allow"],
  [
    "474 Saskatchewan: 08:45 Regina (UTC-6, no DST)",
    { phone: "+14745550123" },
    "2026-12-08T14:45:00Z",
    "hold",
  ],
  ["474: 09:15 Regina / 10:15 Creighton", { phone: "+14745550123" }, "2026-12-08T15:15:00Z", "allow"],
  ["867: 08:30 Whitehorse (UTC-7 all year)", { phone: "+18675550123" }, "2026-12-08T15:30:00Z", "hold"],
  ["867: 21:45 Iqaluit / 19:45 Whitehorse", { phone: "+18675550123" }, "2026-12-09T02:45:00Z", "hold"],
  ["867: 13:00 Iqaluit / 11:00 Whitehorse", { phone: "+18675550123" }, "2026-12-08T18:00:00Z", "allow"],
  [
    "212 number, Florida address: 20:30 ET past Florida's 20:00",
    { phone: "+12125550123", country: "US", region: "FL" },
    "2026-12-09T01:30:00Z",
    "hold",
  ],
  [
    "850 number, Alabama address, Sunday 20:30 CT = 21:30 ET",
    { phone: "+18505550123", country: "US", region: "AL" },
    "2026-12-14T02:30:00Z",
    "hold",
  ],
];

describe("independent oracle: hand-derived cases from the numbering plans and the hours rules", () => {
  it.each(cases)("%s", (_why, lead, at, expected) => {
    const d = gate(gateInput(lead, at));
    expect(d.decision === "allow" ? "allow" : "hold").toBe(expected);
  });
});

// Multi-zone areas, written from the sources (not imported): every zone a number in them may be in.
const ET = "America/New_York";
const CT = "America/Chicago";
const MT = "America/Denver";
const PT = "America/Los_Angeles";
const multiZone: ReadonlyArray<readonly [string, "US" | "CA", readonly string[]]> = [
  ["907", "US", ["America/Anchorage", "America/Adak"]],
  ["928", "US", ["America/Phoenix", MT]],
  ["850 448", "US", [CT, ET]],
  ["208 986", "US", ["America/Boise", PT]],
  ["219 574 812 930", "US", [CT, ET]],
  ["620 785 308 402 531 605 701 432 580", "US", [CT, MT]],
  ["270 364 606 423 334", "US", [CT, ET]],
  ["906", "US", ["America/Detroit", "America/Menominee"]],
  ["775", "US", [PT, MT]],
  ["541 458", "US", [PT, "America/Boise"]],
  ["236 250 257 672 778", "CA", ["America/Vancouver", "America/Edmonton", "America/Creston"]],
  ["306 474 639", "CA", ["America/Regina", "America/Edmonton", "America/Winnipeg"]],
  ["807", "CA", ["America/Toronto", "America/Winnipeg", "America/Atikokan"]],
  ["418 581 367", "CA", ["America/Toronto", "America/Halifax", "America/Blanc-Sablon"]],
  ["709 879", "CA", ["America/St_Johns", "America/Goose_Bay"]],
  [
    "867",
    "CA",
    [
      "America/Whitehorse",
      "America/Edmonton",
      "America/Iqaluit",
      "America/Rankin_Inlet",
      "America/Cambridge_Bay",
    ],
  ],
];
const areas = multiZone.flatMap(([codes, country, zones]) =>
  codes.split(" ").map((code) => ({ code, country, zones })),
);
/** Latest closing minute of the day: federal 21:00 (US), CRTC 21:30 weekdays / 18:00 weekends (CA). */
const closes = (country: "US" | "CA", weekday: string) =>
  country === "US" ? 21 * 60 : weekday === "sat" || weekday === "sun" ? 18 * 60 : 21 * 60 + 30;
const opens = (country: "US" | "CA", weekday: string) =>
  country === "US" ? 8 * 60 : weekday === "sat" || weekday === "sun" ? 10 * 60 : 9 * 60;

describe("independent oracle: random numbers in multi-zone areas", () => {
  it("no allow outside the window of the earliest-closing (and latest-opening) zone of the area (5,000 runs)", () => {
    const start = Date.parse("2026-01-01T00:00:00Z");
    const end = Date.parse("2028-01-01T00:00:00Z");
    fc.assert(
      fc.property(
        fc.constantFrom(...areas),
        fc.integer({ min: 2_000_000, max: 9_999_999 }),
        fc.integer({ min: start, max: end - 1 }),
        (area, line, t) => {
          const d = gate(gateInput({ phone: `+1${area.code}${line}` }, new Date(t)));
          if (d.decision !== "allow") return;
          for (const zone of area.zones) {
            const local = wallTime(zone, t);
            const inside =
              local.minute >= opens(area.country, local.weekday) &&
              local.minute < closes(area.country, local.weekday);
            if (!inside)
              throw new Error(
                `${area.code} allowed at ${new Date(t).toISOString()}: ${zone} ${local.date} ${local.minute}`,
              );
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
