import { describe, expect, it } from "vitest";
import { gate } from "../../src/compliance/index.js";
import { freshRegistries, gateInput } from "./support/inputs.js";

const NOW = "2026-11-27T17:00:00Z"; // Friday 12:00 in New York
const HOUR = 3_600_000;
const ago = (hours: number, from = NOW) => new Date(Date.parse(from) - hours * HOUR);
const ny = { phone: "+12125550123" };
const florida = { phone: "+13055550123" };

describe("suppression", () => {
  it("internal DNC blocks", () => {
    const d = gate(
      gateInput(ny, NOW, { suppression: { internalDnc: true, registries: freshRegistries(new Date(NOW)) } }),
    );
    expect(d).toMatchObject({ decision: "block", rule: { id: "dnc.internal" } });
  });

  it("the CRM's do-not-call flag blocks", () => {
    expect(gate(gateInput({ ...ny, doNotCall: true }, NOW))).toMatchObject({
      decision: "block",
      rule: { id: "dnc.crm" },
    });
  });

  it("a registry listing blocks", () => {
    const registries = {
      ...freshRegistries(new Date(NOW)),
      US: { listed: true, snapshotAt: "2026-11-26T00:00:00Z" },
    };
    const d = gate(gateInput(ny, NOW, { suppression: { internalDnc: false, registries } }));
    expect(d).toMatchObject({
      decision: "block",
      rule: { id: "registry.US", version: "registries@2026.11.28" },
    });
    if (d.decision === "block") expect(d.reason).toContain("National Do Not Call Registry");
  });

  it.each([
    [ny, "US", 32, "block"],
    [ny, "US", 30, "allow"],
    [{ phone: "+14165551234" }, "CA", 32, "block"],
    [{ phone: "+442071234567" }, "GB", 29, "block"],
    [{ phone: "+442071234567" }, "GB", 27, "allow"],
  ] as const)("%j with a %s snapshot %i days old → %s", (lead, country, days, decision) => {
    const now = country === "GB" ? "2026-11-27T12:00:00Z" : NOW;
    const registries = {
      ...freshRegistries(new Date(now)),
      [country]: { listed: false, snapshotAt: ago(days * 24, now).toISOString() },
    };
    const d = gate(gateInput(lead, now, { suppression: { internalDnc: false, registries } }));
    expect(d.decision).toBe(decision);
    if (d.decision === "block") {
      expect(d.reason).toContain("stale registry snapshot");
      expect(d.rule.id).toBe(`registry.${country}`);
    }
  });

  it("a missing snapshot for a required registry blocks; a registry the campaign does not require is not checked", () => {
    const registries = { CA: { listed: false, snapshotAt: "2026-11-26T00:00:00Z" } };
    const blocked = gate(gateInput(ny, NOW, { suppression: { internalDnc: false, registries } }));
    expect(blocked).toMatchObject({ decision: "block", reason: "no registry snapshot for US" });
    const allowed = gate(
      gateInput(ny, NOW, {
        campaign: { requiredRegistries: [] },
        suppression: { internalDnc: false, registries },
      }),
    );
    expect(allowed.decision).toBe("allow");
  });

  it("a campaign may tighten the snapshot age limit, not loosen it", () => {
    const registries = { US: { listed: false, snapshotAt: ago(10 * 24).toISOString() } };
    const input = { internalDnc: false, registries };
    expect(
      gate(gateInput(ny, NOW, { campaign: { registryMaxAgeDays: { US: 7 } }, suppression: input })).decision,
    ).toBe("block");
    const old = { US: { listed: false, snapshotAt: ago(40 * 24).toISOString() } };
    expect(
      gate(
        gateInput(ny, NOW, {
          campaign: { registryMaxAgeDays: { US: 60 } },
          suppression: { internalDnc: false, registries: old },
        }),
      ).decision,
    ).toBe("block");
  });

  it("notAfter stops at the registry snapshot's expiry when that comes before the window closes", () => {
    // Snapshot expires at 18:00Z (13:00 in New York), before the 21:00 close.
    const snapshotAt = new Date(Date.parse("2026-11-27T18:00:00Z") - 31 * 24 * HOUR).toISOString();
    const d = gate(
      gateInput(ny, NOW, {
        suppression: { internalDnc: false, registries: { US: { listed: false, snapshotAt } } },
      }),
    );
    expect(d).toMatchObject({
      decision: "allow",
      notAfter: new Date("2026-11-27T18:00:00Z"),
      rule: { id: "registry.US" },
    });
  });

  it("a wait that would end after the snapshot expires is a block", () => {
    // 07:00 in New York; the snapshot expires at 07:30, before the 08:00 opening.
    const snapshotAt = new Date(Date.parse("2026-11-27T12:30:00Z") - 31 * 24 * HOUR).toISOString();
    const d = gate(
      gateInput(ny, "2026-11-27T12:00:00Z", {
        suppression: { internalDnc: false, registries: { US: { listed: false, snapshotAt } } },
      }),
    );
    expect(d.decision).toBe("block");
    if (d.decision === "block") expect(d.reason).toContain("stale registry snapshot");
  });
});

describe("frequency caps over a rolling 24 h", () => {
  it("a 4th attempt on a Florida number within 24 h is refused until the oldest ages out", () => {
    const d = gate(gateInput(florida, NOW, { attempts: [ago(20), ago(10), ago(2)] }));
    expect(d).toMatchObject({
      decision: "wait",
      until: new Date(ago(20).getTime() + 24 * HOUR),
      rule: { id: "cap.US-FL" },
    });
    if (d.decision === "wait") expect(d.reason).toContain("3 attempts in 24 h (max 3)");
  });

  it("the wait also respects the calling window when the oldest attempt ages out at night", () => {
    // Attempts at 08:30, 09:00, 09:30 Eastern; ages out 08:30 next day — inside Florida's window.
    const attempts = [ago(3.5), ago(3), ago(2.5)];
    expect(gate(gateInput(florida, NOW, { attempts }))).toMatchObject({
      until: new Date(ago(3.5).getTime() + 24 * HOUR),
    });
    // The oldest attempt ages out at 07:30 Eastern: wait for the 08:00 opening.
    const early = ["2026-11-26T12:30:00Z", "2026-11-26T12:40:00Z", "2026-11-26T12:50:00Z"].map(
      (a) => new Date(a),
    );
    expect(gate(gateInput(florida, "2026-11-27T12:00:00Z", { attempts: early }))).toMatchObject({
      decision: "wait",
      until: new Date("2026-11-27T13:00:00Z"),
      rule: { id: "hours.US-FL" },
      evidence: { detail: "frequency cap US-FL: 3 attempts in 24 h (max 3)" },
    });
  });

  it("with only a 24 h count, a capped Florida number is blocked", () => {
    const d = gate(gateInput(florida, NOW, { history: { attemptsLast24h: 3 } }));
    expect(d).toMatchObject({ decision: "block", rule: { id: "cap.US-FL" } });
    expect(gate(gateInput(florida, NOW, { history: { attemptsLast24h: 2 } })).decision).toBe("allow");
  });

  it("attempts older than 24 h do not count; other states get the campaign default (5)", () => {
    expect(gate(gateInput(florida, NOW, { attempts: [ago(30), ago(25), ago(2), ago(1)] })).decision).toBe(
      "allow",
    );
    expect(gate(gateInput(ny, NOW, { attempts: [ago(4), ago(3), ago(2), ago(1)] })).decision).toBe("allow");
    expect(gate(gateInput(ny, NOW, { attempts: [ago(5), ago(4), ago(3), ago(2), ago(1)] }))).toMatchObject({
      decision: "wait",
      rule: { id: "campaign.frequency-cap" },
    });
  });

  it("a Florida area code with a New York address keeps Florida's cap; so do OK and MD numbers", () => {
    const attempts = [ago(3), ago(2), ago(1)];
    expect(gate(gateInput({ ...florida, country: "US", region: "NY" }, NOW, { attempts })).decision).toBe(
      "wait",
    );
    expect(gate(gateInput({ phone: "+14055550123" }, NOW, { attempts })).rule.id).toBe("cap.US-OK");
    expect(gate(gateInput({ phone: "+14105550123" }, NOW, { attempts })).rule.id).toBe("cap.US-MD");
  });
});

describe("unknown location and unsupported jurisdictions", () => {
  it("a toll-free number is blocked by default", () => {
    const d = gate(gateInput({ phone: "+18002345678" }, NOW));
    expect(d).toMatchObject({
      decision: "block",
      reason: "location unknown",
      rule: { id: "location.unknown" },
    });
    expect(d.evidence.detail).toContain("TOLL_FREE");
  });

  it("allow-federal-only uses the address when there is one", () => {
    const campaign = { unknownLocation: "allow-federal-only" as const };
    const d = gate(gateInput({ phone: "+18002345678", country: "US", region: "NY" }, NOW, { campaign }));
    expect(d).toMatchObject({ decision: "allow", notAfter: new Date("2026-11-28T02:00:00Z") });
    expect(d.evidence.detail).toBe("number gives no location: allow-federal-only");
  });

  it("allow-federal-only without an address: the federal window in every +1 zone, Guam to Newfoundland", () => {
    const campaign = { unknownLocation: "allow-federal-only" as const };
    // 22:00Z is 08:00 in Guam, 11:00 in Pago Pago and 18:30 in St John's; it closes at 21:00 in St John's.
    const d = gate(gateInput({ phone: "+18002345678" }, NOW, { campaign }));
    expect(d).toMatchObject({ decision: "wait", until: new Date("2026-11-27T22:00:00Z") });
    expect(gate(gateInput({ phone: "+18002345678" }, "2026-11-27T23:00:00Z", { campaign }))).toMatchObject({
      decision: "allow",
      notAfter: new Date("2026-11-28T00:30:00Z"),
      evidence: { zone: "America/St_Johns" },
    });
  });

  it("blocks when the candidate zones' windows never overlap within the horizon", () => {
    const campaign = { callingHours: [{ start: "09:00", end: "10:00" }] };
    const d = gate(gateInput({ phone: "+12125550123", timeZone: "Australia/Sydney" }, NOW, { campaign }));
    expect(d.decision).toBe("block");
    if (d.decision === "block") expect(d.reason).toContain("no permitted calling time within 14 days");
  });

  it("an invalid clock is an error, not a decision", () => {
    const input = { ...gateInput(ny, NOW), now: new Date(Number.NaN) };
    expect(() => gate(input)).toThrow("`now` is not a valid Date");
  });

  it("a country without calling-hours rules is blocked", () => {
    expect(gate(gateInput({ phone: "+33142685300" }, NOW))).toMatchObject({
      decision: "block",
      rule: { id: "jurisdiction.unsupported" },
      evidence: { jurisdiction: "FR" },
    });
  });
});
