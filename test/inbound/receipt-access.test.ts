import { afterEach, describe, expect, it } from "vitest";
import { apiKey, eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

const keys = {
  floorA: "floor-a-key-0123456789abcdef",
  floorB: "floor-b-key-0123456789abcdef",
  reports: "reports-key-0123456789abcdef",
};

describe("a receipt is read by the key that posted its outcome (real Redis, sandbox, jsforce)", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("answers the poster, admin and receipts-read-all keys; another dialer key gets the unknown id's 404", async () => {
    h = await startHarness({
      leads: 2,
      configure: (input) => ({
        ...input,
        api: {
          ...(input.api as object),
          keys: [
            { name: "admin", key: apiKey, scopes: ["admin"] },
            { name: "floor-a", key: keys.floorA, scopes: ["dialer"] },
            { name: "floor-b", key: keys.floorB, scopes: ["dialer"] },
            { name: "reports", key: keys.reports, scopes: ["receipts-read-all"] },
          ],
        },
      }),
    });
    const as = (key: string) => ({ authorization: `Bearer ${key}` });
    const leased = (await (
      await h.call("POST", "/v1/campaigns/q4/leases", undefined, as(keys.floorA))
    ).json()) as {
      leaseId: string;
    };
    const posted = await h.call(
      "POST",
      `/v1/leases/${leased.leaseId}/outcome`,
      outcomeBody("owned-1"),
      as(keys.floorA),
    );
    expect(posted.status).toBe(202);
    const read = (key: string, id = "owned-1") => h.call("GET", `/v1/outcomes/${id}`, undefined, as(key));

    await eventually(
      async () => ((await (await read(keys.floorA)).json()) as { state: string }).state === "written",
      30_000,
      "written",
    );
    const own = (await (await read(keys.floorA)).json()) as Record<string, unknown>;
    // The key's name is stored, never its value.
    expect(own.postedBy).toBe("floor-a");
    expect(JSON.stringify(own)).not.toContain(keys.floorA);
    expect((await read(apiKey)).status).toBe(200);
    expect((await read(keys.reports)).status).toBe(200);

    // Another dialer: exactly the answer an id nobody posted gets, so ids do not leak.
    const foreign = await read(keys.floorB);
    const unknown = await read(keys.floorB, "never-posted");
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toEqual(await unknown.json());

    // A copy of the same outcome from the other key does not take the receipt over.
    await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("owned-1"), as(keys.floorB));
    expect((await read(keys.floorB)).status).toBe(404);
    expect((await read(keys.floorA)).status).toBe(200);
  });
});
