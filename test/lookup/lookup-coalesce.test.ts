import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";

describe("screen pops of one number at once share one CRM search (sandbox, real jsforce, real Redis)", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("ten concurrent uncached lookups of a number → one SOSL search, ten full answers", async () => {
    h = await startHarness({
      leads: 0,
      seed: (sandbox) => [
        sandbox.salesforce.insert("Lead", { LastName: "Ring", Company: "Acme", Phone: "(415) 555-0177" }),
      ],
    });
    const before = h.sandbox.salesforce.stats().search;
    const answers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const response = await h.call("GET", "/v1/lookup?phone=%2B14155550177");
        expect(response.status).toBe(200);
        return (await response.json()) as { records: Array<{ id: string }> };
      }),
    );
    for (const answer of answers) expect(answer.records.map((r) => r.id)).toEqual(h.leadIds);
    expect(h.sandbox.salesforce.stats().search - before).toBe(1);
  });
});
