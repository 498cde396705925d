import { describe, expect, it } from "vitest";
import type { ActivityWrite, WriteResult } from "../../../connectors/types.js";
import type { ConformanceRun } from "../adapter.js";
import { activitiesByOutcome, outcome, outcomes, settle } from "./harness.js";

/** Outcome ids with other than exactly one stored activity, with how many they have. */
async function notExactlyOnce(run: ConformanceRun, batch: readonly ActivityWrite[]): Promise<string[]> {
  const stored = await activitiesByOutcome(run);
  return batch.flatMap((item) => {
    const n = stored.get(item.outcomeId)?.length ?? 0;
    return n === 1 ? [] : [`${item.outcomeId}: ${n}`];
  });
}

const okIds = (results: readonly WriteResult[]) => results.map((r) => (r.ok ? r.activityId : undefined));

/** Behaviours 4-6: a full writeback batch, a partial failure, an idempotent retry. */
export function defineWriteBehaviours(run: () => ConformanceRun): void {
  describe("writeActivities", () => {
    it("writes a full batch (limits.writeBatchSize) in one request: one result per input, in order, stored right", async () => {
      const r = run();
      const leads = await r.seed(20);
      const batch = outcomes(r, leads, r.connector.limits.writeBatchSize);
      const requests = r.requestCount("activity-write");

      const results = await r.connector.writeActivities(batch, { checkExisting: false });

      expect(results.map((x) => x.outcomeId)).toEqual(batch.map((x) => x.outcomeId));
      expect(results.filter((x) => !x.ok)).toEqual([]);
      expect(results.filter((x) => x.ok && x.alreadyExisted)).toEqual([]);
      expect(new Set(okIds(results)).size, "distinct activity ids").toBe(batch.length);
      expect(r.requestCount("activity-write") - requests, "activity-create requests").toBe(1);

      const stored = await activitiesByOutcome(r);
      expect(await notExactlyOnce(r, batch)).toEqual([]);
      const mismatches = batch.flatMap((item, i) => {
        const activity = stored.get(item.outcomeId)?.[0];
        const result = results[i];
        const expected = {
          id: result?.ok ? result.activityId : "(failed)",
          crmId: item.lead.crmId,
          durationSec: item.call.durationSec,
          direction: item.call.direction,
          disposition: item.call.disposition,
        };
        const actual = activity && {
          id: activity.id,
          crmId: activity.crmId,
          durationSec: activity.durationSec,
          direction: activity.direction,
          disposition: activity.disposition,
        };
        return JSON.stringify(actual) === JSON.stringify(expected)
          ? []
          : [{ outcomeId: item.outcomeId, expected, actual }];
      });
      expect(mismatches).toEqual([]);
    });

    it("partial failure: an activity the CRM rejects fails alone (permanent, with the CRM's message)", async () => {
      const r = run();
      const leads = await r.seed(5);
      const rejected = leads[2] as string;
      const message = await r.rejectActivitiesFor(rejected);
      const batch = outcomes(r, leads, 5);

      const results = await r.connector.writeActivities(batch, { checkExisting: false });

      expect(results.map((x) => x.outcomeId)).toEqual(batch.map((x) => x.outcomeId));
      expect(results.map((x) => x.ok)).toEqual([true, true, false, true, true]);
      expect(results[2]).toMatchObject({
        ok: false,
        error: { kind: "permanent", reason: expect.stringContaining(message) },
      });
      const neighbours = batch.filter((_, i) => i !== 2);
      expect(await notExactlyOnce(r, neighbours)).toEqual([]);
      expect((await activitiesByOutcome(r)).get(batch[2]?.outcomeId ?? "")).toBeUndefined();
    });

    it("partial failure: an activity with a value the CRM refuses fails alone (permanent, naming the value)", async () => {
      const r = run();
      const leads = await r.seed(5);
      const batch = outcomes(r, leads, 5).map((item, i) =>
        i === 2 ? { ...item, call: { ...item.call, status: "NOT_A_CALL_STATUS" } } : item,
      );

      const results = await r.connector.writeActivities(batch, { checkExisting: false });

      expect(results.map((x) => x.outcomeId)).toEqual(batch.map((x) => x.outcomeId));
      expect(results.map((x) => x.ok)).toEqual([true, true, false, true, true]);
      expect(results[2]).toMatchObject({
        ok: false,
        error: { kind: "permanent", reason: expect.stringContaining("NOT_A_CALL_STATUS") },
      });
      expect(
        await notExactlyOnce(
          r,
          batch.filter((_, i) => i !== 2),
        ),
      ).toEqual([]);
      expect((await activitiesByOutcome(r)).get(batch[2]?.outcomeId ?? "")).toBeUndefined();
    });

    it("an outcome carrying doNotCall sets it on its record along with the activity", async () => {
      const r = run();
      const [a, b] = (await r.seed(2)) as [string, string];
      const [first, second] = outcomes(r, [a, b], 2) as [ActivityWrite, ActivityWrite];
      const results = await r.connector.writeActivities([{ ...first, doNotCall: true }, second], {
        checkExisting: false,
      });
      expect(results.filter((x) => !x.ok)).toEqual([]);
      expect(await r.readDoNotCall(a)).toBe(true);
      expect(await r.readDoNotCall(b)).toBe(false);
      expect(await notExactlyOnce(r, [first, second])).toEqual([]);
    });

    it("idempotent retry: after a lost response, checkExisting finds what was written instead of writing it twice", async () => {
      const r = run();
      const leads = await r.seed(5);
      const batch = outcomes(r, leads, 10);
      await r.injectLostResponse();

      const lost = await settle(r.connector.writeActivities(batch, { checkExisting: false }));
      if (lost.ok) {
        // Reported per item: every one ambiguous, none claimed written.
        expect(lost.value.map((x) => x.outcomeId)).toEqual(batch.map((x) => x.outcomeId));
        for (const result of lost.value)
          expect(result).toMatchObject({ ok: false, error: { kind: "retry", ambiguous: true } });
      } else {
        expect(r.connector.classifyError(lost.error)).toMatchObject({ kind: "retry", ambiguous: true });
      }
      expect(await notExactlyOnce(r, batch), "the lost request was applied").toEqual([]);
      const written = await activitiesByOutcome(r);

      const retried = await r.connector.writeActivities(batch, { checkExisting: true });
      expect(retried.map((x) => x.outcomeId)).toEqual(batch.map((x) => x.outcomeId));
      expect(retried.filter((x) => !(x.ok && x.alreadyExisted))).toEqual([]);
      expect(okIds(retried)).toEqual(batch.map((x) => written.get(x.outcomeId)?.[0]?.id));
      expect(await notExactlyOnce(r, batch)).toEqual([]);

      // The same outcomes again with a new one: only the new one is written.
      const fresh = outcome(r, `${batch[0]?.outcomeId}-fresh`, leads[0] as string, 1);
      const mixed = await r.connector.writeActivities([...batch, fresh], { checkExisting: true });
      expect(mixed.map((x) => (x.ok ? x.alreadyExisted : x.error.kind))).toEqual([
        ...batch.map(() => true),
        false,
      ]);
      expect(await notExactlyOnce(r, [...batch, fresh])).toEqual([]);
      expect(await r.readActivities()).toHaveLength(batch.length + 1);
    });
  });
}
