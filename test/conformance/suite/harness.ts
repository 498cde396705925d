import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, expect } from "vitest";
import type { ActivityWrite, CrmConnector, PullPage, WriteResult } from "../../../connectors/types.js";
import type { ErrorClass } from "../../../src/errors.js";
import type { ConformanceAdapter, ConformanceRun, StoredActivity } from "../adapter.js";

/**
 * A fresh run (sandbox, connector, Redis prefix) for every test, closed after it; afterwards nothing
 * may answer at the sandbox's address. Returns an accessor for the current run.
 */
export function useRun(adapter: ConformanceAdapter): () => ConformanceRun {
  let current: ConformanceRun | undefined;
  beforeEach(async () => {
    current = await adapter.start();
  });
  afterEach(async () => {
    const run = current;
    current = undefined;
    if (!run) return;
    await run.close();
    await expect(fetch(run.serverUrl), "the sandbox server is still answering after close").rejects.toThrow();
  });
  return () => {
    if (!current) throw new Error("conformance run used outside a test");
    return current;
  };
}

/** JSON.stringify then JSON.parse: what a checkpoint store does to a cursor. */
export function roundTrip(value: unknown): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error("cursor is not JSON-serialisable (stringify gave undefined)");
  return JSON.parse(text) as unknown;
}

/**
 * Pull a source to the end from `cursor` (passed through JSON first, as the core would). Every page's
 * cursor must survive a JSON round trip unchanged.
 */
export async function pullAll(
  run: ConformanceRun,
  sourceKey: string,
  cursor: unknown,
  connector: CrmConnector = run.connector,
): Promise<PullPage[]> {
  const pages: PullPage[] = [];
  const request = {
    select: run.source(sourceKey).select,
    fields: run.pullFields,
    cursor: cursor === undefined ? undefined : roundTrip(cursor),
    sourceId: `conformance-${sourceKey}`,
  };
  for await (const page of connector.pull(request)) {
    expect(page.cursor, "every page carries a cursor").toBeDefined();
    expect(roundTrip(page.cursor), "a page's cursor survives JSON.stringify/parse").toEqual(page.cursor);
    pages.push(page);
  }
  return pages;
}

export const recordIds = (pages: readonly PullPage[]): string[] =>
  pages.flatMap((p) => p.records.map((r) => r.id));
export const removedRefs = (pages: readonly PullPage[]): string[] => pages.flatMap((p) => p.removedRefs);
export const lastCursor = (pages: readonly PullPage[]): unknown => {
  const last = pages.at(-1);
  if (!last) throw new Error("the pull yielded no page, so there is no cursor to resume from");
  return last.cursor;
};
export const sorted = (values: Iterable<string>): string[] => [...values].sort();

/** Values that occur more than once. */
export function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return sorted(new Set(values.filter((v) => seen.has(v) || !seen.add(v))));
}

/** A unique tag for outcome ids, so no two tests (or reruns) share one. */
export const tag = (): string => randomUUID().slice(0, 8);

/** One call outcome for `crmId`, varied by `i` so direction and duration are checkable. */
export function outcome(run: ConformanceRun, id: string, crmId: string, i: number): ActivityWrite {
  return {
    outcomeId: id,
    lead: run.lead(crmId),
    call: {
      direction: i % 3 === 0 ? "inbound" : "outbound",
      startedAt: new Date(Date.UTC(2026, 2, 2, 9, i % 60, 0)).toISOString(),
      durationSec: 5 + i,
      disposition: run.call.disposition,
      status: run.call.status,
      subject: `Conformance call ${i}`,
      notes: `note ${i}`,
    },
  };
}

export function outcomes(run: ConformanceRun, crmIds: readonly string[], count: number): ActivityWrite[] {
  const t = tag();
  return Array.from({ length: count }, (_, i) => {
    const crmId = crmIds[i % crmIds.length];
    if (crmId === undefined) throw new Error("outcomes need at least one lead");
    return outcome(run, `conf-${t}-${i}`, crmId, i);
  });
}

/** Activities stored per outcome id. */
export async function activitiesByOutcome(run: ConformanceRun): Promise<Map<string, StoredActivity[]>> {
  const byOutcome = new Map<string, StoredActivity[]>();
  for (const activity of await run.readActivities()) {
    const key = activity.outcomeId ?? "(none)";
    byOutcome.set(key, [...(byOutcome.get(key) ?? []), activity]);
  }
  return byOutcome;
}

/** A call that either resolved or threw. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * The classified failures of a write: the thrown error (classified by the connector), or the errors of
 * its failed per-item results.
 */
export function failuresOf(connector: CrmConnector, settled: Settled<WriteResult[]>): ErrorClass[] {
  if (!settled.ok) return [connector.classifyError(settled.error)];
  return settled.value.flatMap((r) => (r.ok ? [] : [r.error]));
}
