import { describe, expect, it } from "vitest";
import { connect, sandboxServer } from "./helpers.js";

type Row = { Id: string; SystemModstamp: string };

const COUNT = 100_000;

/** Asserts that every lead is paged exactly once; timings are printed for information, never asserted (figures belong to `npm run bench`). */
describe(`scale: ${COUNT} leads`, () => {
  it("seeds them and pages through all of them with jsforce", { timeout: 300_000 }, async () => {
    const sandbox = await sandboxServer();
    let t = performance.now();
    sandbox.salesforce.seedLeads(COUNT, { campaignId: "Scale" });
    const seedMs = performance.now() - t;

    const conn = connect(sandbox);
    t = performance.now();
    let page = await conn.query<Row>(
      "SELECT Id, FirstName, LastName, Phone, State, PostalCode, SystemModstamp FROM Lead",
    );
    let total = page.records.length;
    while (!page.done && page.nextRecordsUrl) {
      page = await conn.queryMore<Row>(page.nextRecordsUrl);
      total += page.records.length;
    }
    const queryMoreMs = performance.now() - t;
    expect(total).toBe(COUNT);

    t = performance.now();
    let cursor: Row | undefined;
    let seen = 0;
    for (;;) {
      const where = cursor
        ? `WHERE SystemModstamp > ${cursor.SystemModstamp} OR (SystemModstamp = ${cursor.SystemModstamp} AND Id > '${cursor.Id}')`
        : "";
      const res = await conn.query<Row>(
        `SELECT Id, Phone, SystemModstamp FROM Lead ${where} ORDER BY SystemModstamp, Id LIMIT 2000`,
      );
      if (res.records.length === 0) break;
      seen += res.records.length;
      cursor = res.records.at(-1);
    }
    const cursorMs = performance.now() - t;
    expect(seen).toBe(COUNT);

    console.log(
      `[sandbox scale] seed ${COUNT} leads + members: ${seedMs.toFixed(0)} ms; ` +
        `query+queryMore all: ${queryMoreMs.toFixed(0)} ms; ` +
        `SystemModstamp/Id cursor pages of 2000: ${cursorMs.toFixed(0)} ms`,
    );
  });
});
