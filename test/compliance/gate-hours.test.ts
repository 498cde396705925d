import { describe, expect, it } from "vitest";
import { type GateDecision, gate } from "../../src/compliance/index.js";
import { gateInput } from "./support/inputs.js";

const iso = (d: Date) => d.toISOString();
function expectWait(d: GateDecision, until: string, ruleId: string) {
  expect(d.decision).toBe("wait");
  if (d.decision !== "wait") return;
  expect({ until: iso(d.until), rule: d.rule.id }).toEqual({ until, rule: ruleId });
}
function expectAllow(d: GateDecision, notAfter: string, ruleId?: string) {
  expect(d.decision).toBe("allow");
  if (d.decision !== "allow") return;
  expect(iso(d.notAfter)).toBe(notAfter);
  if (ruleId) expect(d.rule.id).toBe(ruleId);
}

describe("federal and state windows", () => {
  it("allows within 08:00-21:00 local and names the closing rule, zone and local time", () => {
    const d = gate(gateInput({ phone: "+12125550123" }, "2026-11-27T17:00:00Z"));
    expectAllow(d, "2026-11-28T02:00:00.000Z", "hours.US");
    expect(d.rule.version).toBe("us-federal@2026.11.28");
    expect(d.evidence).toEqual({
      zone: "America/New_York",
      localTime: "2026-11-27T21:00 fri",
      jurisdiction: "US",
    });
  });

  it("waits for 08:00 local and says which rule refused, where and when", () => {
    const d = gate(gateInput({ phone: "+12125550123" }, "2026-11-27T12:00:00Z"));
    expectWait(d, "2026-11-27T13:00:00.000Z", "hours.US");
    expect(d.evidence).toEqual({
      zone: "America/New_York",
      localTime: "2026-11-27T07:00 fri",
      jurisdiction: "US",
    });
  });

  it("split area code +1 208 2xx: the window is the intersection of Mountain and Pacific", () => {
    // 07:30 Pacific = 08:30 Mountain: Pacific not yet open.
    expectWait(
      gate(gateInput({ phone: "+12082091234" }, "2026-11-27T15:30:00Z")),
      "2026-11-27T16:00:00.000Z",
      "hours.US",
    );
    // 19:30 Pacific = 20:30 Mountain: open until 21:00 Mountain.
    const d = gate(gateInput({ phone: "+12082091234" }, "2026-11-28T03:30:00Z"));
    expectAllow(d, "2026-11-28T04:00:00.000Z", "hours.US");
    expect(d.evidence.zone).toBe("America/Boise");
  });

  it("split area code +1 850: Florida's 08:00-20:00 in both Central and Eastern (opens 08:00 CT, closes 20:00 ET)", () => {
    expectAllow(
      gate(gateInput({ phone: "+18502001234" }, "2026-11-27T20:00:00Z")),
      "2026-11-28T01:00:00.000Z",
      "hours.US-FL",
    );
    expectWait(
      gate(gateInput({ phone: "+18502001234" }, "2026-11-27T13:30:00Z")),
      "2026-11-27T14:00:00.000Z",
      "hours.US-FL",
    );
  });

  it("a Florida number with a New York address: Florida's 20:00 close still applies", () => {
    const lead = { phone: "+13055550123", country: "US", region: "NY" };
    expectAllow(gate(gateInput(lead, "2026-11-27T17:00:00Z")), "2026-11-28T01:00:00.000Z", "hours.US-FL");
    const d = gate(gateInput(lead, "2026-11-28T01:30:00Z"));
    expectWait(d, "2026-11-28T13:00:00.000Z", "hours.US-FL");
    expect(d.evidence.jurisdiction).toBe("US-FL");
  });

  it("a New York number with a Panhandle (Central) address: both zones are intersected", () => {
    const lead = { phone: "+12125550123", country: "US", region: "FL", postalCode: "32501" };
    // 08:30 Eastern = 07:30 Central: Florida (reported before federal) is not open yet in Central time.
    const early = gate(gateInput(lead, "2026-11-27T13:30:00Z"));
    expectWait(early, "2026-11-27T14:00:00.000Z", "hours.US-FL");
    expect(early.evidence).toEqual({
      zone: "America/Chicago",
      localTime: "2026-11-27T07:30 fri",
      jurisdiction: "US-FL",
    });
    // 19:30 Eastern: Florida closes at 20:00 Eastern before 20:00 Central.
    expectAllow(gate(gateInput(lead, "2026-11-28T00:30:00Z")), "2026-11-28T01:00:00.000Z", "hours.US-FL");
  });

  it("Connecticut opens at 09:00", () => {
    expectWait(
      gate(gateInput({ phone: "+12035550123" }, "2026-11-27T13:30:00Z")),
      "2026-11-27T14:00:00.000Z",
      "hours.US-CT",
    );
  });
});

describe("Sunday and holiday bans with observed-day shifts", () => {
  const alabama = { phone: "+12055550123" };
  const mississippi = { phone: "+16015550123" };

  it("Alabama: no calls on Sunday, wait for Monday 08:00", () => {
    const d = gate(gateInput(alabama, "2026-11-29T15:00:00Z"));
    expectWait(d, "2026-11-30T14:00:00.000Z", "hours.US-AL");
    if (d.decision === "wait") expect(d.reason).toContain("no calls on sun");
  });

  it("Alabama: Saturday 4 July 2026 is also banned on Friday 3 July; next call Monday 6 July", () => {
    const d = gate(gateInput(alabama, "2026-07-03T17:00:00Z"));
    expectWait(d, "2026-07-06T13:00:00.000Z", "holiday.US-AL");
    if (d.decision === "wait") expect(d.reason).toContain("Independence Day (observed)");
    expect(d.rule.version).toBe("us-states@2026.11.30+holiday-calendars@2026.11.30");
  });

  // Miss. Code 77-3-723(1) bans Sundays only; the holiday ban of 39 Miss. Admin. Code R.1:28 was
  // repealed (known by 2024-06-03). Before that, a Sunday holiday was also banned on the Monday after.
  it("Mississippi: holidays banned only while R.1:28 was in force", () => {
    expectAllow(
      gate(gateInput(mississippi, "2026-07-03T17:00:00Z")),
      "2026-07-04T01:00:00.000Z",
      "hours.US-MS",
    );
    expect(gate(gateInput(mississippi, "2026-07-04T17:00:00Z")).decision).toBe("allow");
    expectWait(
      gate(gateInput(mississippi, "2023-07-04T17:00:00Z")),
      "2023-07-05T14:00:00.000Z",
      "holiday.US-MS",
    );
    expectWait(
      gate(gateInput(mississippi, "2021-07-05T17:00:00Z")),
      "2021-07-06T14:00:00.000Z",
      "holiday.US-MS",
    );
  });

  it("Sunday 4 July 2027 is observed Monday 5 July in Alabama", () => {
    expect(gate(gateInput(mississippi, "2027-07-05T17:00:00Z")).decision).toBe("allow");
    expectWait(gate(gateInput(alabama, "2027-07-05T17:00:00Z")), "2027-07-06T13:00:00.000Z", "holiday.US-AL");
  });

  it("Alabama: Saturday Christmas 2027 bans Friday 24th; Saturday New Year 2028 bans Friday 31st", () => {
    expectWait(gate(gateInput(alabama, "2027-12-24T17:00:00Z")), "2027-12-27T14:00:00.000Z", "holiday.US-AL");
    expectWait(gate(gateInput(alabama, "2027-12-31T17:00:00Z")), "2028-01-03T14:00:00.000Z", "holiday.US-AL");
  });

  it("Louisiana: Thanksgiving banned; Florida: Thanksgiving allowed", () => {
    expectWait(
      gate(gateInput({ phone: "+15045550123" }, "2026-11-26T18:00:00Z")),
      "2026-11-27T14:00:00.000Z",
      "holiday.US-LA",
    );
    expect(gate(gateInput({ phone: "+13055550123" }, "2026-11-26T18:00:00Z")).decision).toBe("allow");
  });
});

describe("Canada", () => {
  const toronto = { phone: "+14165551234" };
  it("weekdays 09:00-21:30", () => {
    expectAllow(gate(gateInput(toronto, "2026-11-28T02:15:00Z")), "2026-11-28T02:30:00.000Z", "hours.CA");
    expectWait(gate(gateInput(toronto, "2026-11-27T13:30:00Z")), "2026-11-27T14:00:00.000Z", "hours.CA");
  });
  it("weekends 10:00-18:00", () => {
    expectWait(gate(gateInput(toronto, "2026-11-28T14:30:00Z")), "2026-11-28T15:00:00.000Z", "hours.CA");
    expectAllow(gate(gateInput(toronto, "2026-11-28T22:59:00Z")), "2026-11-28T23:00:00.000Z", "hours.CA");
    expectWait(gate(gateInput(toronto, "2026-11-28T23:30:00Z")), "2026-11-29T15:00:00.000Z", "hours.CA");
  });
});

describe("Australia", () => {
  const sydney = { phone: "+61292345678" };
  it("Saturday 09:00-17:00", () => {
    expectAllow(gate(gateInput(sydney, "2026-11-28T05:30:00Z")), "2026-11-28T06:00:00.000Z", "hours.AU");
  });
  it("no calls on Sunday: Saturday evening waits for Monday 09:00", () => {
    expectWait(gate(gateInput(sydney, "2026-11-28T06:30:00Z")), "2026-11-29T22:00:00.000Z", "hours.AU");
    expectWait(gate(gateInput(sydney, "2026-11-29T01:00:00Z")), "2026-11-29T22:00:00.000Z", "hours.AU");
  });
  it("national public holidays: Good Friday, and Anzac Day's Monday substitute", () => {
    expectWait(gate(gateInput(sydney, "2026-04-02T23:00:00Z")), "2026-04-03T22:00:00.000Z", "holiday.AU");
    expectWait(gate(gateInput(sydney, "2026-04-27T00:00:00Z")), "2026-04-27T23:00:00.000Z", "holiday.AU");
  });
  it("a mobile is checked in every Australian zone", () => {
    // Monday 09:30 in Sydney is 06:30 in Perth.
    const d = gate(gateInput({ phone: "+61412345678" }, "2026-11-29T22:30:00Z"));
    expect(d.decision).toBe("wait");
    expect(d.evidence.zone).not.toBe("Australia/Sydney");
  });
});

describe("United Kingdom", () => {
  it("uses the conservative 08:00-21:00 default", () => {
    expectWait(
      gate(gateInput({ phone: "+442071234567" }, "2026-11-28T07:30:00Z")),
      "2026-11-28T08:00:00.000Z",
      "hours.GB",
    );
    expectAllow(
      gate(gateInput({ phone: "+442071234567" }, "2026-11-28T20:00:00Z")),
      "2026-11-28T21:00:00.000Z",
    );
  });
});

describe("campaign hours narrow, never widen", () => {
  const ny = { phone: "+12125550123" };
  it("narrower campaign hours decide", () => {
    const campaign = { callingHours: [{ start: "10:00", end: "16:00" }] };
    expectWait(
      gate(gateInput(ny, "2026-11-27T14:00:00Z", { campaign })),
      "2026-11-27T15:00:00.000Z",
      "campaign.hours",
    );
    expectAllow(
      gate(gateInput(ny, "2026-11-27T18:00:00Z", { campaign })),
      "2026-11-27T21:00:00.000Z",
      "campaign.hours",
    );
  });
  it("wider campaign hours do not widen the law", () => {
    const campaign = { callingHours: [{ start: "06:00", end: "23:00" }] };
    expectWait(
      gate(gateInput(ny, "2026-11-27T12:00:00Z", { campaign })),
      "2026-11-27T13:00:00.000Z",
      "hours.US",
    );
  });
  it("campaign days: a weekday-only campaign waits over the weekend", () => {
    const campaign = { callingDays: ["mon", "tue", "wed", "thu", "fri"] as const };
    expectWait(
      gate(gateInput(ny, "2026-11-28T17:00:00Z", { campaign: { callingDays: [...campaign.callingDays] } })),
      "2026-11-30T13:00:00.000Z",
      "campaign.hours",
    );
  });
});
