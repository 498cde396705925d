import { describe, expect, it } from "vitest";
import type { CrmChangeEvent } from "../../connectors/types.js";
import { applyCrmChanges, type CrmChangeTargets } from "../../src/sync/crm-changes.js";
import type { SyncReport } from "../../src/sync/run-sync.js";
import type { SyncRecordsResult } from "../../src/sync/sync-records.js";

/** Targets that record what they were asked; each source answers as `answers` says. */
function recordingTargets(answers: Record<string, "applied" | "busy" | "unsupported" | "fails">) {
  const calls = {
    removed: [] as string[],
    optedOut: [] as string[],
    reread: [] as Array<[string, string, string[]]>,
    triggered: [] as string[],
  };
  const targets: CrmChangeTargets = {
    integrationId: "hs",
    sourceIds: Object.keys(answers),
    removeLead: async (key) => {
      calls.removed.push(key);
      return 1;
    },
    optOut: async (key) => {
      calls.optedOut.push(key);
    },
    syncRecords: async (sourceId, objectType, ids): Promise<SyncRecordsResult> => {
      calls.reread.push([sourceId, objectType, ids]);
      const answer = answers[sourceId] ?? "unsupported";
      if (answer === "fails") throw new Error("HubSpot answered 502");
      if (answer !== "applied") return { outcome: answer };
      return { outcome: "applied", report: { records: ids.length, removed: 0 } as SyncReport };
    },
    triggerSync: async (sourceId) => {
      calls.triggered.push(sourceId);
    },
  };
  return { targets, calls };
}

describe("applyCrmChanges", () => {
  it("re-reads each changed record once per source, never a deleted one; a busy source syncs instead", async () => {
    const { targets, calls } = recordingTargets({ a: "applied", b: "busy" });
    const events: CrmChangeEvent[] = [
      { kind: "changed", objectType: "contacts", crmId: "1" },
      { kind: "changed", objectType: "contacts", crmId: "1" },
      { kind: "consent", objectType: "contacts", crmId: "2", doNotCall: false },
      { kind: "changed", objectType: "contacts", crmId: "3" },
      { kind: "deleted", objectType: "contacts", crmId: "3" },
    ];
    const effects = await applyCrmChanges(events, targets);
    expect(calls.reread).toEqual([
      ["a", "contacts", ["1", "2"]],
      ["b", "contacts", ["1", "2"]],
    ]);
    expect(calls.removed).toEqual(["hs/contacts/3"]);
    expect(calls.triggered).toEqual(["b"]);
    expect(effects).toEqual({ suppressed: 0, removed: 1, reread: 2, syncsTriggered: 1 });
  });

  it("suppresses an opt-out at once, removes merged-away leads and re-reads the survivor", async () => {
    const { targets, calls } = recordingTargets({ a: "applied" });
    const effects = await applyCrmChanges(
      [
        { kind: "consent", objectType: "contacts", crmId: "5", doNotCall: true },
        { kind: "merged", objectType: "contacts", survivorId: "7", mergedIds: ["8", "9"] },
      ],
      targets,
    );
    expect(calls.optedOut).toEqual(["hs/contacts/5"]);
    expect(calls.removed).toEqual(["hs/contacts/8", "hs/contacts/9"]);
    expect(calls.reread).toEqual([["a", "contacts", ["7"]]]);
    expect(effects).toEqual({ suppressed: 1, removed: 2, reread: 1, syncsTriggered: 0 });
  });

  it("a source whose re-read fails (CRM down) is left to a pull instead of failing the webhook", async () => {
    const { targets, calls } = recordingTargets({ a: "fails", b: "applied" });
    const effects = await applyCrmChanges([{ kind: "changed", objectType: "contacts", crmId: "1" }], targets);
    expect(calls.triggered).toEqual(["a"]);
    expect(effects).toEqual({ suppressed: 0, removed: 0, reread: 1, syncsTriggered: 1 });
  });

  it("a creation asks every source of the integration to sync, once each", async () => {
    const { targets, calls } = recordingTargets({ a: "applied", b: "applied" });
    await applyCrmChanges(
      [
        { kind: "created", objectType: "contacts", crmId: "10" },
        { kind: "created", objectType: "contacts", crmId: "11" },
      ],
      targets,
    );
    expect(calls.reread).toEqual([]);
    expect(calls.triggered).toEqual(["a", "b"]);
  });
});
