import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { apiKey, eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

const secret = "whsec-test-0123456789abcdef";

interface Delivery {
  body: string;
  signature: string | undefined;
}

describe("the dialer's webhook when an outcome is final (real Redis, real BullMQ, real HTTP)", () => {
  let h: Harness;
  let server: Server;
  afterEach(async () => {
    await h.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("POSTs the written receipt signed with HMAC-SHA256 of the body, again after the dialer answered 500", async () => {
    const deliveries: Delivery[] = [];
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      request.on("end", () => {
        deliveries.push({ body, signature: request.headers["x-telesync-signature"] as string | undefined });
        // The first delivery fails: the notifier must try again.
        response.writeHead(deliveries.length === 1 ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telesync`;
    h = await startHarness({
      leads: 2,
      configure: (input) => ({
        ...input,
        api: { ...input.api, outcomeWebhooks: [{ apiKey, url, webhookSecret: secret }] },
      }),
    });
    const leased = (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as {
      leaseId: string;
      lead: { crmId: string };
    };
    await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody("hook-1"));
    await eventually(() => deliveries.length >= 2, 30_000, "a second delivery");

    for (const delivery of deliveries) {
      const expected = `sha256=${createHmac("sha256", secret).update(delivery.body).digest("hex")}`;
      expect(delivery.signature).toBe(expected);
      const parsed = JSON.parse(delivery.body) as {
        event: string;
        receipt: { outcomeId: string; state: string; records: Array<{ role: string; id: string }> };
      };
      expect(parsed.event).toBe("outcome.final");
      expect(parsed.receipt).toMatchObject({ outcomeId: "hook-1", state: "written" });
      const task = h.sandbox.salesforce.get("Task", parsed.receipt.records[0]?.id as string);
      expect(task).toMatchObject({ WhoId: leased.lead.crmId, CallObject: "hook-1" });
    }
  });
});
