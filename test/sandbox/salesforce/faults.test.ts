import { describe, expect, it } from "vitest";
import { connect, dataPath, raw, sandboxServer } from "./helpers.js";

type SaveResult = { id?: string; success: boolean; errors: { statusCode: string }[] };

describe("fault injection", () => {
  it("rate-limit: 403 REQUEST_LIMIT_EXCEEDED for `count` matching requests", async () => {
    const sandbox = await sandboxServer();
    const conn = connect(sandbox);
    sandbox.salesforce.injectFault({ kind: "rate-limit", count: 1, match: "query" });
    await conn.sobject("Lead").describe();
    await expect(conn.query("SELECT Id FROM Lead")).rejects.toMatchObject({
      errorCode: "REQUEST_LIMIT_EXCEEDED",
      message: "TotalRequests Limit exceeded.",
    });
    await expect(conn.query("SELECT Id FROM Lead")).resolves.toMatchObject({ totalSize: 0 });
  });

  it("rate-limit 429 carries Retry-After, and jsforce retries a GET through it", async () => {
    const sandbox = await sandboxServer();
    sandbox.salesforce.injectFault({ kind: "rate-limit", status: 429, retryAfterSeconds: 2, match: "query" });
    const res = await raw(sandbox, dataPath("/query?q=SELECT+Id+FROM+Lead"));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
    sandbox.salesforce.injectFault({ kind: "rate-limit", status: 429, match: "query" });
    await expect(connect(sandbox).query("SELECT Id FROM Lead")).resolves.toMatchObject({ totalSize: 0 });
    expect(sandbox.salesforce.stats().query).toBe(3);
  });

  it("server-error: jsforce retries GETs; a POST fails with the error body", async () => {
    const sandbox = await sandboxServer();
    sandbox.salesforce.seedLeads(1);
    const conn = connect(sandbox);
    sandbox.salesforce.injectFault({ kind: "server-error", count: 1, match: "query" });
    await expect(conn.query("SELECT Id FROM Lead")).resolves.toMatchObject({ totalSize: 1 });
    expect(sandbox.salesforce.stats().query).toBe(2);
    sandbox.salesforce.injectFault({ kind: "server-error", status: 503, match: "composite" });
    await expect(conn.sobject("Lead").create([{ LastName: "x", Company: "y" }])).rejects.toMatchObject({
      errorCode: "SERVER_UNAVAILABLE",
    });
    expect(sandbox.salesforce.all("Lead")).toHaveLength(1);
  });

  it("timeout: holds a response for delayMs, or until the server closes", async () => {
    const sandbox = await sandboxServer();
    const conn = connect(sandbox);
    sandbox.salesforce.injectFault({ kind: "timeout", delayMs: 300, match: "describe" });
    const started = Date.now();
    await conn.sobject("Lead").describe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    sandbox.salesforce.injectFault({ kind: "timeout", match: "query" });
    const aborted = raw(sandbox, dataPath("/query?q=SELECT+Id+FROM+Lead"), {
      signal: AbortSignal.timeout(200),
    });
    await expect(aborted).rejects.toThrow(/abort|timeout/i);
    sandbox.salesforce.injectFault({ kind: "timeout", match: "query" });
    const hanging = raw(sandbox, dataPath("/query?q=SELECT+Id+FROM+Lead"));
    await new Promise((r) => setTimeout(r, 50));
    await sandbox.close();
    await expect(hanging).rejects.toThrow();
  });

  it("lost-response: the write is applied but the client sees a reset connection", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    const [lead] = sf.seedLeads(1);
    const conn = connect(sandbox);
    sf.injectFault({ kind: "lost-response", match: "composite" });
    await expect(conn.sobject("Task").create([{ WhoId: lead, CallObject: "outcome-7" }])).rejects.toThrow(
      /socket hang up|ECONNRESET|reset/i,
    );
    expect(sf.query("SELECT Id FROM Task WHERE CallObject = 'outcome-7'").totalSize).toBe(1);
  });

  it("lost-response with a probability hits about that share of requests, reproducibly", async () => {
    const sandbox = await sandboxServer({ salesforce: { seed: 42 } });
    const sf = sandbox.salesforce;
    const [lead] = sf.seedLeads(1);
    const conn = connect(sandbox);
    sf.injectFault({ kind: "lost-response", count: 1000, match: { kind: "composite", probability: 0.2 } });
    let lost = 0;
    for (let i = 0; i < 60; i++) {
      await conn
        .sobject("Task")
        .create([{ WhoId: lead, CallObject: `o-${i}` }])
        .catch(() => {
          lost += 1;
        });
    }
    expect(lost).toBeGreaterThan(3);
    expect(lost).toBeLessThan(25);
    expect(sf.all("Task")).toHaveLength(60);
  });

  it("invalid-session: jsforce refreshes its token once and retries", async () => {
    const sandbox = await sandboxServer();
    const conn = connect(sandbox);
    let refreshes = 0;
    conn.on("refresh", () => {
      refreshes += 1;
    });
    sandbox.salesforce.injectFault({ kind: "invalid-session", match: "query" });
    await expect(conn.query("SELECT Id FROM Lead")).resolves.toMatchObject({ totalSize: 0 });
    expect(refreshes).toBe(1);
    expect(sandbox.salesforce.stats()).toMatchObject({ token: 1, query: 2 });
  });

  it("unable-to-lock: every record of the next collection write fails with UNABLE_TO_LOCK_ROW", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    const ids = sf.seedLeads(2);
    const conn = connect(sandbox);
    sf.injectFault({ kind: "unable-to-lock", count: 1 });
    const updates = ids.map((Id) => ({ Id, Status: "Working - Contacted" }));
    const locked = (await conn.sobject("Lead").update(updates)) as SaveResult[];
    expect(locked.map((r) => r.errors[0]?.statusCode)).toEqual(["UNABLE_TO_LOCK_ROW", "UNABLE_TO_LOCK_ROW"]);
    expect(sf.all("Lead").map((l) => l.Status)).toEqual(["Open - Not Contacted", "Open - Not Contacted"]);
    const retried = (await conn.sobject("Lead").update(updates)) as SaveResult[];
    expect(retried.every((r) => r.success)).toBe(true);
  });

  it("clearFaults removes pending faults", async () => {
    const sandbox = await sandboxServer();
    sandbox.salesforce.injectFault({ kind: "server-error", count: 5, match: "any" });
    sandbox.salesforce.clearFaults();
    await expect(connect(sandbox).query("SELECT Id FROM Lead")).resolves.toMatchObject({ totalSize: 0 });
  });
});
