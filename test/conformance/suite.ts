import { describe } from "vitest";
import type { ConformanceAdapter } from "./adapter.js";
import { useRun } from "./suite/harness.js";
import { definePullBehaviours } from "./suite/pull.js";
import { defineResilienceBehaviours } from "./suite/resilience.js";
import { defineWriteBehaviours } from "./suite/write.js";

export type { ConformanceAdapter, ConformanceRun } from "./adapter.js";

/**
 * The `CrmConnector` contract, checked against one vendor through its adapter: pull (exactly once,
 * incremental, removals) on every source kind the adapter declares, writeback (full batch, partial
 * failure, idempotent retry), consent, token refresh, rate limits and error classification. Every
 * test gets a fresh sandbox, connector and Redis prefix.
 */
export function defineConnectorConformance(adapter: ConformanceAdapter): void {
  describe(`CrmConnector conformance: ${adapter.vendor}`, () => {
    const run = useRun(adapter);
    describe("pull", () => {
      for (const spec of adapter.sources) definePullBehaviours(run, spec);
    });
    defineWriteBehaviours(run);
    defineResilienceBehaviours(run, adapter);
  });
}
