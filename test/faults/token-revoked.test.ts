import { afterEach, describe, expect, it } from "vitest";
import { eventually, outcomeBody } from "../support/harness.js";
import { type CrmScenario, startCrmScenario, type Vendor } from "./crm-scenario.js";
import { faultsSize, leadLedger, outcomeLedger, report, workOutcomes } from "./support.js";

/** A paused integration tries its credentials again this often here (60 s in production). */
const authRetryMs = 300;

/**
 * What each vendor answers for revoked credentials (the oracle, from the vendors' docs):
 * Salesforce's token endpoint answers 400 `{"error":"invalid_grant"}` to a revoked refresh token
 * (OAuth 2.0 refresh token flow; RFC 6749 §5.2); HubSpot answers 401 to a revoked or rotated
 * private app token (developers.hubspot.com/docs/api/private-apps, "rotate … expire now").
 */
const refusal: Record<Vendor, RegExp> = { salesforce: /invalid_grant/, hubspot: /401/ };

const logged = (s: CrmScenario, msg: RegExp) => s.logs().filter((l) => msg.test(String(l.msg)));

describe.each<Vendor>(["salesforce", "hubspot"])("fault: %s credentials revoked mid-writeback", (vendor) => {
  let s: CrmScenario;
  afterEach(async () => {
    await s?.close();
  });

  it("pauses with a classified auth error in /healthz and one log line, keeps every outcome, writes each once after the fix", async () => {
    s = await startCrmScenario({ vendor, leads: faultsSize, service: { writeback: { authRetryMs } } });
    const health = async () =>
      (await (await s.call("GET", "/healthz")).json()) as {
        status: string;
        down: string[];
        checks: { writeback: Record<string, { status: string; auth?: { reason: string; since: string } }> };
      };
    const third = Math.floor(faultsSize / 3);
    const posted = await workOutcomes(s.call, third, "before", (id) => outcomeBody(id));
    await eventually(() => s.outcomeIdsInCrm().length > 0, 60_000, "some outcomes written");

    // Revoked in the CRM: every token issued so far and the refresh token (Salesforce), or the
    // private app token (HubSpot). The operator's fix is the new credential this returns.
    const replacement =
      vendor === "salesforce"
        ? s.sandbox.salesforce.revokeRefreshToken()
        : s.sandbox.hubspot.rotatePrivateAppToken("sandbox-token");
    // The API does not need the CRM: outcomes keep being accepted.
    posted.push(...(await workOutcomes(s.call, faultsSize - third, "revoked", (id) => outcomeBody(id))));

    await eventually(
      async () => (await health()).checks.writeback[s.integration]?.status === "auth-failed",
      60_000,
      "/healthz reports the refused credentials",
    );
    const paused = await health();
    expect(paused).toMatchObject({ status: "degraded", down: [`crm:${s.integration}`] });
    expect(paused.checks.writeback[s.integration]?.auth?.reason).toMatch(refusal[vendor]);
    const writtenWhilePaused = s.outcomeIdsInCrm().length;
    expect(writtenWhilePaused).toBeLessThan(faultsSize);
    // Several retry periods pass: it keeps trying (and failing), and nothing is given up on.
    await new Promise((r) => setTimeout(r, authRetryMs * 5));
    expect(await s.service.deadLetters.list(0, -1)).toEqual([]);
    expect(s.outcomeIdsInCrm()).toHaveLength(writtenWhilePaused);
    expect((await health()).checks.writeback[s.integration]?.status).toBe("auth-failed");
    // One line for the change, not one per request or per job.
    const pausedLines = logged(s, /CRM refused the credentials/);
    expect(pausedLines).toHaveLength(1);
    expect(String(pausedLines[0]?.reason)).toMatch(refusal[vendor]);
    expect(pausedLines[0]?.level).toBeGreaterThanOrEqual(50);

    // The fix: the new credential in the environment, a (rolling) restart.
    await s.restart(
      vendor === "salesforce" ? { salesforceRefreshToken: replacement } : { hubspotToken: replacement },
    );
    await eventually(s.drained, 120_000, "writeback drained after the fix");
    await eventually(async () => (await health()).status === "ok", 30_000, "/healthz ok again");
    expect(logged(s, /CRM accepted the credentials again/)).toHaveLength(1);

    const outcomes = await outcomeLedger(posted, s.outcomeIdsInCrm(), s.service.deadLetters);
    const leads = await leadLedger(s.telesync.dialQueues.get("q4").queue, s.leadKeys);
    expect(outcomes).toEqual({ duplicates: 0, losses: 0, deadLettered: 0 });
    expect(leads).toEqual({ duplicates: 0, losses: 0 });
    report({
      scenario: `${vendor} credentials revoked mid-writeback`,
      leads: s.leadKeys.length,
      outcomes: posted.length,
      faults: [
        vendor === "salesforce" ? "refresh token revoked (invalid_grant)" : "private app token revoked (401)",
        `${faultsSize - writtenWhilePaused} outcomes held through the pause`,
        "restart with the new credential",
      ],
      duplicates: outcomes.duplicates + leads.duplicates,
      losses: outcomes.losses + leads.losses,
      deadLettered: outcomes.deadLettered,
    });
  }, 300_000);
});
