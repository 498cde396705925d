// An independent oracle for the state rules of issue 9: each case is (number, address, instant,
// expected decision), worked out by hand from the statute quoted beside it, with a calendar and the
// zone's offset (CST −6, CDT −5, MST −7, MDT −6, EST −5, EDT −4). Nothing here reads telesync's rule
// data; the gate is called with its shipped rule set as the system under test. Numbers are chosen
// whose zone is beyond doubt (205, 504, 601 Central; 801 Mountain; 215, 401, 212 Eastern) or the
// address gives the state.
import { describe, expect, it } from "vitest";
import {
  campaignCompliancePolicySchema,
  defaultRuleSet,
  type EmergencyBan,
  type GateDecision,
  type GateLead,
  gate,
} from "../../src/compliance/index.js";

interface Case {
  readonly name: string;
  readonly lead: GateLead;
  readonly at: string;
  /** `wait` until an instant, or `allow` not after one. */
  readonly expect: { readonly wait: string; readonly rule: string } | { readonly allow: string };
  readonly emergencies?: readonly EmergencyBan[];
}

const campaign = campaignCompliancePolicySchema.parse({ requiredRegistries: [] });
function decide(lead: GateLead, at: string, emergencies?: readonly EmergencyBan[]): GateDecision {
  return gate({
    lead,
    campaign,
    policy: defaultRuleSet(),
    history: { attempts: [] },
    suppression: { internalDnc: false, registries: {} },
    emergencies,
    now: new Date(at),
  });
}

const alabama = { phone: "+12055550123" };
const utah = { phone: "+18015550123" };
const rhodeIsland = { phone: "+14015550123" };
const louisiana = { phone: "+15045550123" };
const pennsylvania = { phone: "+12155550123" };
const mississippi = { phone: "+16015550123" };
const newYorkNumber = (region: string): GateLead => ({ phone: "+12125550123", country: "US", region });
const hurricane = (from?: string): EmergencyBan => ({
  jurisdiction: "US-LA",
  ...(from ? { from } : {}),
  until: "2026-09-03T00:00:00Z",
  reason: "Governor's proclamation: state of emergency, Hurricane (test)",
});

const cases: Case[] = [
  // Ala. Admin. Code r. 770-X-5-.17(1)(b): "No solicitation calls are allowed on Sundays or holidays.
  // On the days that calls are allowed, none will be placed prior to 8 a.m. or after 8 p.m."
  // Ala. Code 1-3-8: Confederate Memorial Day = 4th Monday in April (27 Apr 2026); Jefferson Davis'
  // Birthday = 1st Monday in June (1 Jun 2026). "Holidays" read as state and federal (Juneteenth).
  {
    name: "AL Confederate Memorial Day, Mon 27 Apr 2026 10:00 CDT → Tue 08:00 CDT",
    lead: alabama,
    at: "2026-04-27T15:00:00Z",
    expect: { wait: "2026-04-28T13:00:00.000Z", rule: "holiday.US-AL" },
  },
  {
    name: "AL Jefferson Davis' Birthday, Mon 1 Jun 2026 12:00 CDT → Tue 08:00 CDT",
    lead: alabama,
    at: "2026-06-01T17:00:00Z",
    expect: { wait: "2026-06-02T13:00:00.000Z", rule: "holiday.US-AL" },
  },
  {
    name: "AL Juneteenth (federal), Fri 19 Jun 2026 → Sat 08:00 CDT",
    lead: alabama,
    at: "2026-06-19T17:00:00Z",
    expect: { wait: "2026-06-20T13:00:00.000Z", rule: "holiday.US-AL" },
  },
  {
    name: "AL ordinary Tuesday 19:30 CDT: allowed until 20:00 CDT",
    lead: alabama,
    at: "2026-06-03T00:30:00Z",
    expect: { allow: "2026-06-03T01:00:00.000Z" },
  },
  {
    name: "AL by address only (a New York number): Confederate Memorial Day still bans",
    lead: newYorkNumber("AL"),
    at: "2026-04-27T15:00:00Z",
    expect: { wait: "2026-04-28T13:00:00.000Z", rule: "holiday.US-AL" },
  },
  // Utah Code 13-25a-103(3): no solicitation "between the hours of 9 p.m. and 8 a.m. local time; on
  // a Sunday; or on a legal holiday"; 63G-1-301: 24 July Pioneer Day, Saturday → the Friday before.
  {
    name: "UT Pioneer Day, Fri 24 Jul 2026 12:00 MDT → Sat 08:00 MDT",
    lead: utah,
    at: "2026-07-24T18:00:00Z",
    expect: { wait: "2026-07-25T14:00:00.000Z", rule: "holiday.US-UT" },
  },
  {
    name: "UT Pioneer Day 2027 is a Saturday: Friday 23 Jul banned, then Sat, Sun → Mon 26 08:00 MDT",
    lead: utah,
    at: "2027-07-23T18:00:00Z",
    expect: { wait: "2027-07-26T14:00:00.000Z", rule: "holiday.US-UT" },
  },
  {
    name: "UT by address only (a New York number): Pioneer Day bans",
    lead: newYorkNumber("UT"),
    at: "2026-07-24T15:00:00Z",
    expect: { wait: "2026-07-25T14:00:00.000Z", rule: "holiday.US-UT" },
  },
  // R.I. Gen. Laws 5-61-2(2): "Monday through Friday, except a state or federal holiday, 9 a.m. to
  // 6 p.m."; 25-1-1: Victory Day = 2nd Monday of August (10 Aug 2026), 4 May RI Independence Day.
  {
    name: "RI Victory Day, Mon 10 Aug 2026 11:00 EDT → Tue 09:00 EDT",
    lead: rhodeIsland,
    at: "2026-08-10T15:00:00Z",
    expect: { wait: "2026-08-11T13:00:00.000Z", rule: "holiday.US-RI" },
  },
  {
    name: "RI Independence Day, Mon 4 May 2026 → Tue 09:00 EDT",
    lead: rhodeIsland,
    at: "2026-05-04T15:00:00Z",
    expect: { wait: "2026-05-05T13:00:00.000Z", rule: "holiday.US-RI" },
  },
  // La. R.S. 45:811(2)-(3): 8 a.m.-8 p.m. Monday-Saturday, not "on days declared to be a state
  // holiday"; R.S. 1:55: "the day of Mardi Gras" (Easter − 47: 17 Feb 2026, 9 Feb 2027).
  {
    name: "LA Mardi Gras, Tue 17 Feb 2026 10:00 CST → Wed 08:00 CST",
    lead: louisiana,
    at: "2026-02-17T16:00:00Z",
    expect: { wait: "2026-02-18T14:00:00.000Z", rule: "holiday.US-LA" },
  },
  {
    name: "LA Mardi Gras, Tue 9 Feb 2027 → Wed 08:00 CST",
    lead: louisiana,
    at: "2027-02-09T16:00:00Z",
    expect: { wait: "2027-02-10T14:00:00.000Z", rule: "holiday.US-LA" },
  },
  // La. R.S. 45:844.31(A): "During a state of emergency as declared by the governor, no telephonic
  // solicitor shall engage in telephonic solicitation" (an operator records the declaration).
  {
    name: "LA declared emergency in force: wait for its end (Wed 2 Sep 19:00 CDT, inside 8-20)",
    lead: louisiana,
    at: "2026-09-01T16:00:00Z",
    emergencies: [hurricane()],
    expect: { wait: "2026-09-03T00:00:00.000Z", rule: "emergency.US-LA" },
  },
  {
    name: "LA emergency declared to start at 13:00 CDT: allowed until then",
    lead: louisiana,
    at: "2026-09-01T16:00:00Z",
    emergencies: [hurricane("2026-09-01T18:00:00Z")],
    expect: { allow: "2026-09-01T18:00:00.000Z" },
  },
  {
    // The ban ends at 20:00 EDT in the number's zone, where Louisiana's 8 p.m. close also applies:
    // the next instant both zones allow is Thursday 08:00 CDT.
    name: "LA emergency applies by address too (a New York number)",
    lead: newYorkNumber("LA"),
    at: "2026-09-01T16:00:00Z",
    emergencies: [hurricane()],
    expect: { wait: "2026-09-03T13:00:00.000Z", rule: "emergency.US-LA" },
  },
  {
    name: "LA emergency does not touch a Florida number (08:00-20:00 Eastern applies)",
    lead: { phone: "+13055550123" },
    at: "2026-09-01T16:00:00Z",
    emergencies: [hurricane()],
    expect: { allow: "2026-09-02T00:00:00.000Z" },
  },
  // 73 P.S. 2245(a)(10) (Act 73 of 2019): no telephone solicitation on a legal holiday; PA legal
  // holidays include Flag Day (14 June) and Good Friday; a Sunday holiday → the Monday after.
  {
    name: "PA Flag Day, Mon 14 Jun 2027 11:00 EDT → Tue 08:00 EDT",
    lead: pennsylvania,
    at: "2027-06-14T15:00:00Z",
    expect: { wait: "2027-06-15T12:00:00.000Z", rule: "holiday.US-PA" },
  },
  {
    name: "PA Flag Day 2026 is a Sunday: Monday 15 Jun banned",
    lead: pennsylvania,
    at: "2026-06-15T15:00:00Z",
    expect: { wait: "2026-06-16T12:00:00.000Z", rule: "holiday.US-PA" },
  },
  {
    name: "PA Good Friday, 3 Apr 2026 → Sat 08:00 EDT",
    lead: pennsylvania,
    at: "2026-04-03T15:00:00Z",
    expect: { wait: "2026-04-04T12:00:00.000Z", rule: "holiday.US-PA" },
  },
  // Miss. Code 77-3-723(1): "only between the hours of 8:00 a.m. and 8:00 p.m. Central Standard
  // Time. No telephone solicitations may be made on a Sunday." Read conservatively: 08:00-20:00 at
  // UTC−6 and on the wall clock, so under daylight time 09:00-20:00 CDT. Holidays: ban repealed.
  {
    name: "MS Wed 1 Jul 2026 08:30 CDT (07:30 CST) → 09:00 CDT",
    lead: mississippi,
    at: "2026-07-01T13:30:00Z",
    expect: { wait: "2026-07-01T14:00:00.000Z", rule: "hours.US-MS" },
  },
  {
    name: "MS Wed 1 Jul 2026 19:30 CDT: allowed until 20:00 CDT (wall clock closes first)",
    lead: mississippi,
    at: "2026-07-02T00:30:00Z",
    expect: { allow: "2026-07-02T01:00:00.000Z" },
  },
  {
    name: "MS Tue 1 Dec 2026 08:30 CST: allowed until 20:00 CST",
    lead: mississippi,
    at: "2026-12-01T14:30:00Z",
    expect: { allow: "2026-12-02T02:00:00.000Z" },
  },
  {
    name: "MS Sunday 5 Jul 2026 → Mon 09:00 CDT",
    lead: mississippi,
    at: "2026-07-05T17:00:00Z",
    expect: { wait: "2026-07-06T14:00:00.000Z", rule: "hours.US-MS" },
  },
  {
    name: "MS Christmas 2026 (Fri): allowed, the holiday ban was repealed",
    lead: mississippi,
    at: "2026-12-25T18:00:00Z",
    expect: { allow: "2026-12-26T02:00:00.000Z" },
  },
  {
    name: "MS Christmas 2023 (Mon), while 39 Miss. Admin. Code R.1:28 stood → Tue 08:00 CST",
    lead: mississippi,
    at: "2023-12-25T18:00:00Z",
    expect: { wait: "2023-12-26T14:00:00.000Z", rule: "holiday.US-MS" },
  },
];

describe("state rules against hand-derived cases (issue 9)", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const d = decide(c.lead, c.at, c.emergencies);
    if ("wait" in c.expect) {
      expect({
        decision: d.decision,
        until: d.decision === "wait" ? d.until.toISOString() : undefined,
        rule: d.rule.id,
      }).toEqual({
        decision: "wait",
        until: c.expect.wait,
        rule: c.expect.rule,
      });
    } else {
      expect({
        decision: d.decision,
        notAfter: d.decision === "allow" ? d.notAfter.toISOString() : undefined,
      }).toEqual({
        decision: "allow",
        notAfter: c.expect.allow,
      });
    }
  });

  it("a +1 850 number with an Alabama address, Sunday 20:30 Central: every refusing rule, each with when it alone allows", () => {
    // Sunday 6 Dec 2026 20:30 CST = 21:30 EST = 02:30Z on the 7th. Alabama (r. 770-X-5-.17): no calls
    // on Sunday (lifts at Monday 00:00 CST = 06:00Z) and none after 8 p.m. (next: Monday 08:00 CST =
    // 14:00Z); federal 47 CFR 64.1200(c)(1) in the Eastern zone of 850: closed at 21:00 (next: Monday
    // 08:00 EST = 13:00Z). The wait ends when all allow: Monday 08:00 CST.
    const d = decide({ phone: "+18505550123", country: "US", region: "AL" }, "2026-12-07T02:30:00Z");
    expect(d.decision).toBe("wait");
    if (d.decision !== "wait") return;
    expect(d.until.toISOString()).toBe("2026-12-07T14:00:00.000Z");
    expect(d.rule.id).toBe("hours.US-AL");
    expect(d.reason).toContain("US-AL");
    const listed = d.refusals.map((r) => ({
      jurisdiction: r.jurisdiction,
      zone: r.zone,
      reason: r.reason,
      allowsAt: r.allowsAt?.toISOString(),
    }));
    expect(listed).toEqual(
      expect.arrayContaining([
        {
          jurisdiction: "US-AL",
          zone: "America/Chicago",
          reason: "no calls on sun",
          allowsAt: "2026-12-07T06:00:00.000Z",
        },
        {
          jurisdiction: "US-AL",
          zone: "America/Chicago",
          reason: "calls only 08:00-20:00",
          allowsAt: "2026-12-07T14:00:00.000Z",
        },
        {
          jurisdiction: "US",
          zone: "America/New_York",
          reason: "calls only 08:00-21:00",
          allowsAt: "2026-12-07T13:00:00.000Z",
        },
      ]),
    );
    // Nothing listed allows later than the wait's end, and the wait's end is one of them.
    const ends = d.refusals.map((r) => r.allowsAt?.getTime() ?? Number.POSITIVE_INFINITY);
    expect(Math.max(...ends)).toBe(d.until.getTime());
  });

  it("an emergency and the hours both refuse: both are listed", () => {
    // Tue 1 Sep 2026 21:30 CDT = 02:30Z on the 2nd: after Louisiana's 8 p.m. close and in the ban.
    const d = decide(louisiana, "2026-09-02T02:30:00Z", [hurricane()]);
    expect(d.decision).toBe("wait");
    if (d.decision !== "wait") return;
    expect(d.rule.id).toBe("emergency.US-LA");
    expect(d.refusals.map((r) => [r.jurisdiction, r.reason])).toEqual(
      expect.arrayContaining([
        ["US-LA", expect.stringContaining("declared emergency")],
        ["US-LA", "calls only 08:00-20:00"],
        ["US", "calls only 08:00-21:00"],
      ]),
    );
    // The ban ends at 19:00 CDT on the 2nd, inside the window: the call may go then.
    expect(d.until.toISOString()).toBe("2026-09-03T00:00:00.000Z");
  });
});
