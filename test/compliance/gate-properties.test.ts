import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { attemptsArb, campaigns, leadArb, toInput, uniformNowArb } from "./support/arbitraries.js";
import { checkDecision, stats } from "./support/check.js";

// 60,000 runs here + 40,000 in gate-dst.test.ts = 100,000 random (lead, now) pairs.
describe("gate properties over random leads and instants in 2026-2027", () => {
  afterAll(() => console.log("gate-properties decisions:", stats));

  it("no allow outside a legal window; waits end at the earliest allowed instant (50,000 runs)", () => {
    let run = 0;
    fc.assert(
      fc.property(
        leadArb(),
        fc.constantFrom(...campaigns),
        uniformNowArb,
        attemptsArb,
        (lead, campaign, now, attempts) => {
          checkDecision(toInput(lead, campaign, now, attempts), { scan: run++ % 500 === 0 });
        },
      ),
      { numRuns: 50_000 },
    );
    // A fixed number of runs, not a speed assertion: on a shared 2-core machine it can exceed 60 s.
  }, 600_000);

  it("frequency caps with attempt times: waits end when an attempt ages out or a window opens (10,000 runs)", () => {
    const capped = fc.array(fc.integer({ min: 1, max: 26 * 60 }), { minLength: 2, maxLength: 6 });
    let run = 0;
    fc.assert(
      fc.property(
        leadArb(["US"]),
        fc.constantFrom(...campaigns),
        uniformNowArb,
        capped,
        (lead, campaign, now, attempts) => {
          checkDecision(toInput(lead, campaign, now, attempts), { scan: run++ % 500 === 0 });
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
