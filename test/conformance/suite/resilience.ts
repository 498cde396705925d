import { describe, expect, it } from "vitest";
import type { ConsentWrite, PullPage } from "../../../connectors/types.js";
import type { ErrorClass } from "../../../src/errors.js";
import type { ConformanceAdapter, ConformanceRun, RateLimitContract } from "../adapter.js";
import {
  failuresOf,
  lastCursor,
  outcomes,
  pullAll,
  recordIds,
  type Settled,
  settle,
  sorted,
} from "./harness.js";

/** A record's do-not-call flag as the pulled page reports it. */
function pulledDoNotCall(
  run: ConformanceRun,
  pages: readonly PullPage[],
  crmId: string,
): boolean | undefined {
  const record = pages.flatMap((p) => p.records).find((rec) => rec.id === crmId);
  if (!record) throw new Error(`record ${crmId} was not pulled`);
  return run.doNotCallOf(record.fields);
}

function expectRateLimited(errors: readonly ErrorClass[], scope: "burst" | "daily"): void {
  expect(errors.length, "a classified failure").toBeGreaterThan(0);
  for (const error of errors) {
    expect(error.kind, error.reason).toBe("rate-limited");
    if (error.kind !== "rate-limited") continue;
    expect(error.waitMs).toBeGreaterThan(0);
    expect(error.scope).toBe(scope);
  }
}

/** Behaviours 7-10: consent, token refresh, rate limits, error classification. */
export function defineResilienceBehaviours(run: () => ConformanceRun, adapter: ConformanceAdapter): void {
  const primary = adapter.sources[0].key;

  it("consent: writeConsent sets and clears do-not-call, and a later pull reports it", async () => {
    const r = run();
    const [a, b, gone] = (await r.source(primary).seed(3)) as [string, string, string];
    await r.advanceClock(10);
    const first = await pullAll(r, primary, undefined);
    expect(pulledDoNotCall(r, first, a)).toBe(false);

    await r.advanceClock(2);
    await r.remove(gone);
    const change = (id: string, crmId: string, doNotCall: boolean): ConsentWrite => ({
      id,
      lead: r.lead(crmId),
      doNotCall,
    });
    const set = await r.connector.writeConsent([
      change("c1", a, true),
      change("c2", gone, true),
      change("c3", b, false),
    ]);
    expect(set.map((x) => x.id)).toEqual(["c1", "c2", "c3"]);
    expect(set.map((x) => x.ok)).toEqual([true, false, true]);
    expect(set[1]).toMatchObject({ ok: false, error: { kind: "permanent" } });
    expect(await r.readDoNotCall(a)).toBe(true);
    expect(await r.readDoNotCall(b)).toBe(false);
    await r.advanceClock(2);
    const second = await pullAll(r, primary, lastCursor(first));
    expect(pulledDoNotCall(r, second, a)).toBe(true);

    await r.advanceClock(2);
    expect(await r.connector.writeConsent([change("c4", a, false)])).toEqual([{ id: "c4", ok: true }]);
    expect(await r.readDoNotCall(a)).toBe(false);
    await r.advanceClock(2);
    const third = await pullAll(r, primary, lastCursor(second));
    expect(pulledDoNotCall(r, third, a)).toBe(false);
  });

  it("token refresh: after the CRM expires every token, the next read and write refresh once and store the new token", async () => {
    const r = run();
    const seeded = await r.source(primary).seed(3);
    await r.advanceClock(10);
    await r.connector.verifyCredentials();
    const initial = await r.tokens.get(r.integrationId);
    expect(initial, "token stored after the first call").toBeTruthy();
    const issued = r.tokenRequests();

    await r.expireTokens();
    expect(sorted(recordIds(await pullAll(r, primary, undefined)))).toEqual(sorted(seeded));
    const afterRead = await r.tokens.get(r.integrationId);
    expect(afterRead).toBeTruthy();
    expect(afterRead).not.toBe(initial);
    expect(r.tokenRequests() - issued, "token requests for the read").toBe(1);

    await r.expireTokens();
    const batch = outcomes(r, seeded, 3);
    const results = await r.connector.writeActivities(batch, { checkExisting: false });
    expect(results.filter((x) => !x.ok)).toEqual([]);
    expect(await r.readActivities()).toHaveLength(3);
    const afterWrite = await r.tokens.get(r.integrationId);
    expect(afterWrite).toBeTruthy();
    expect(afterWrite).not.toBe(afterRead);
    expect(r.tokenRequests() - issued, "token requests for the read and the write").toBe(2);

    await r.connector.verifyCredentials();
    expect(r.tokenRequests() - issued, "the stored token keeps working").toBe(2);
  });

  describe("rate limits", () => {
    const burst = (contract: RateLimitContract) =>
      contract === "absorbed" ? "is waited out inside the connector" : "surfaces as rate-limited with a wait";

    /** Behaviour 9 on a write: the documented contract, with its wait no longer than a burst's. */
    async function burstOnWrite(r: ConformanceRun): Promise<void> {
      const leads = await r.seed(3);
      const baseline = r.requestCount("activity-write");
      await r.connector.writeActivities(outcomes(r, leads, 3), { checkExisting: false });
      const perWrite = r.requestCount("activity-write") - baseline;

      await r.injectRateLimit("burst", "activity-write");
      const before = r.requestCount("activity-write");
      const batch = outcomes(r, leads, 3);
      const limited = await settle(r.connector.writeActivities(batch, { checkExisting: false }));
      if (adapter.burstRateLimit["activity-write"] === "absorbed") {
        expect(failuresOf(r.connector, limited)).toEqual([]);
        expect(r.requestCount("activity-write") - before, "the 429 and the retry").toBe(perWrite + 1);
        expect(await r.readActivities()).toHaveLength(6);
      } else {
        const failures = failuresOf(r.connector, limited);
        expectRateLimited(failures, "burst");
        for (const f of failures) if (f.kind === "rate-limited") expect(f.waitMs).toBeLessThanOrEqual(60_000);
        expect(await r.readActivities(), "a 429 writes nothing").toHaveLength(3);
        const retried = await r.connector.writeActivities(batch, { checkExisting: false });
        expect(retried.filter((x) => !x.ok)).toEqual([]);
        expect(await r.readActivities()).toHaveLength(6);
      }
    }

    it(`a 429 on an activity write ${burst(adapter.burstRateLimit["activity-write"])}, never permanent`, async () => {
      await burstOnWrite(run());
    });

    it(`a 429 on an activity write while ConnectorContext.now runs 10 minutes ahead of real time ${burst(adapter.burstRateLimit["activity-write"])}`, async () => {
      // Telesync passes its clock to every connector (src/runtime/telesync.ts); simulations drive it.
      const r = run();
      await r.advanceClock(10);
      await burstOnWrite(r);
    });

    it(`a 429 on a pull ${burst(adapter.burstRateLimit.pull)}, never permanent`, async () => {
      const r = run();
      const seeded = await r.source(primary).seed(5);
      const baseline = r.requestCount("pull");
      await pullAll(r, primary, undefined);
      const perPull = r.requestCount("pull") - baseline;

      await r.injectRateLimit("burst", "pull");
      const before = r.requestCount("pull");
      const limited: Settled<PullPage[]> = await settle(pullAll(r, primary, undefined));
      if (adapter.burstRateLimit.pull === "absorbed") {
        if (!limited.ok) throw limited.error;
        expect(sorted(recordIds(limited.value))).toEqual(sorted(seeded));
        expect(r.requestCount("pull") - before, "the 429 and the retry").toBe(perPull + 1);
      } else {
        if (limited.ok) throw new Error("the rate-limited pull succeeded");
        expectRateLimited([r.connector.classifyError(limited.error)], "burst");
      }
    });

    it("a daily limit on a pull surfaces as rate-limited (daily) with a wait, never permanent", async () => {
      const r = run();
      await r.source(primary).seed(5);
      await r.advanceClock(10);
      await r.injectRateLimit("daily", "pull");
      const limited = await settle(pullAll(r, primary, undefined));
      if (limited.ok) throw new Error("the pull succeeded past the daily limit");
      expectRateLimited([r.connector.classifyError(limited.error)], "daily");
    });

    it("a daily limit on an activity write surfaces as rate-limited (daily), and nothing is written", async () => {
      const r = run();
      const leads = await r.seed(3);
      await r.injectRateLimit("daily", "activity-write");
      const limited = await settle(
        r.connector.writeActivities(outcomes(r, leads, 3), { checkExisting: false }),
      );
      expectRateLimited(failuresOf(r.connector, limited), "daily");
      if (limited.ok) expect(limited.value.filter((x) => x.ok)).toEqual([]);
      expect(await r.readActivities()).toHaveLength(0);
    });
  });

  describe("classifyError", () => {
    it("a connection reset is retry, ambiguous (the request may have been applied)", () => {
      const r = run();
      const system = Object.assign(new Error("read ECONNRESET"), {
        code: "ECONNRESET",
        errno: -104,
        syscall: "read",
      });
      // What node-fetch 2 (under jsforce and @hubspot/api-client) throws for it.
      const fetchError = Object.assign(
        new Error(`request to ${r.serverUrl} failed, reason: socket hang up`),
        { name: "FetchError", type: "system", code: "ECONNRESET", errno: "ECONNRESET" },
      );
      for (const error of [system, fetchError]) {
        expect(r.connector.classifyError(error)).toMatchObject({ kind: "retry", ambiguous: true });
      }
    });

    it("rejected credentials are auth", async () => {
      const r = run();
      const bad = r.connectWithBadCredentials();
      const failed = await settle(bad.verifyCredentials());
      if (failed.ok) throw new Error("verifyCredentials succeeded with a wrong refresh token");
      expect(bad.classifyError(failed.error)).toMatchObject({ kind: "auth" });
      expect(r.connector.classifyError(failed.error)).toMatchObject({ kind: "auth" });
    });
  });
}
