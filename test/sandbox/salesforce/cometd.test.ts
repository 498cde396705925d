import type jsforce from "jsforce";
import { describe, expect, it } from "vitest";
import { connect, sandboxServer } from "./helpers.js";

/** faye's client as jsforce 3 hands it out (`conn.streaming.createClient`); faye ships no types. */
interface Client {
  subscribe(channel: string, listener: (message: unknown) => void): PromiseLike<void>;
  disconnect(): PromiseLike<unknown> | undefined;
}

/** Disconnect every client and wait for the answers, so no client retries after the server closes. */
async function disconnectAll(clients: Client[]): Promise<void> {
  await Promise.all(
    clients.splice(0).map((client) => Promise.resolve(client.disconnect()).then(undefined, () => {})),
  );
}
interface ChangeMessage {
  event: { replayId: number };
  payload: Record<string, unknown> & {
    ChangeEventHeader: {
      entityName: string;
      changeType: string;
      recordIds: string[];
      changedFields: string[];
      commitTimestamp: number;
    };
  };
}

/** Salesforce's replay extension on the subscribe message: `ext.replay = { channel: replayId }`. */
function replayFrom(channel: string, replayId: number) {
  return {
    outgoing(message: { channel: string; ext?: object }, callback: (m: unknown) => void) {
      if (message.channel === "/meta/subscribe")
        message.ext = { ...message.ext, replay: { [channel]: replayId } };
      callback(message);
    },
  };
}

const leads = "/data/LeadChangeEvent";

async function follow(conn: jsforce.Connection, channel: string, replayId: number) {
  const received: ChangeMessage[] = [];
  const client = conn.streaming.createClient([replayFrom(channel, replayId)]) as unknown as Client;
  clients.push(client);
  await client.subscribe(channel, (message) => received.push(message as ChangeMessage));
  return received;
}
const clients: Client[] = [];

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("Salesforce sandbox: Streaming API (CometD) change events", () => {
  it("publishes CREATE, UPDATE (changed fields and their values) and DELETE to a live subscriber", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    const received = await follow(connect(sandbox), leads, -1);
    const id = sf.insert("Lead", { LastName: "Byron", Company: "Analytical", Phone: "(212) 555-0147" });
    sf.update("Lead", id, { DoNotCall: true });
    sf.delete("Lead", id);
    await until(() => received.length === 3, "three events");
    const headers = received.map((m) => m.payload.ChangeEventHeader);
    expect(headers.map((h) => [h.entityName, h.changeType, h.recordIds])).toEqual([
      ["Lead", "CREATE", [id]],
      ["Lead", "UPDATE", [id]],
      ["Lead", "DELETE", [id]],
    ]);
    expect(received[0]!.payload).toMatchObject({
      LastName: "Byron",
      Company: "Analytical",
      Phone: "(212) 555-0147",
    });
    expect(headers[1]!.changedFields).toContain("DoNotCall");
    expect(headers[1]!.changedFields).not.toContain("Phone");
    expect(received[1]!.payload.DoNotCall).toBe(true);
    expect(received[1]!.payload).not.toHaveProperty("Phone");
    const replayIds = received.map((m) => m.event.replayId);
    expect(replayIds).toEqual([...replayIds].sort((a, b) => a - b));
    expect(new Set(replayIds).size).toBe(3);
    await disconnectAll(clients);
  });

  it("replays retained events after a stored replay id, and all retained ones for -2", async () => {
    const sandbox = await sandboxServer();
    const sf = sandbox.salesforce;
    const first = sf.insert("Lead", { LastName: "One", Company: "A" });
    const stored = sf.latestReplayId;
    const second = sf.insert("Lead", { LastName: "Two", Company: "B" });
    sf.insert("Contact", { LastName: "Not a lead" });

    const after = await follow(connect(sandbox), leads, stored);
    const all = await follow(connect(sandbox), leads, -2);
    await until(() => after.length === 1 && all.length === 2, "replayed events");
    expect(after.map((m) => m.payload.ChangeEventHeader.recordIds)).toEqual([[second]]);
    expect(all.map((m) => m.payload.ChangeEventHeader.recordIds)).toEqual([[first], [second]]);
    await disconnectAll(clients);
  });

  it("refuses a replay id it no longer keeps with Salesforce's 400", async () => {
    const sandbox = await sandboxServer({ salesforce: { changeEventRetention: 2 } });
    const sf = sandbox.salesforce;
    sf.insert("Lead", { LastName: "One", Company: "A" });
    const old = sf.latestReplayId;
    for (const name of ["Two", "Three", "Four"]) sf.insert("Lead", { LastName: name, Company: "B" });
    const client = connect(sandbox).streaming.createClient([replayFrom(leads, old)]) as unknown as Client;
    clients.push(client);
    const refusal = await Promise.resolve(client.subscribe(leads, () => {})).then(
      () => undefined,
      (error: { code?: number; message?: string }) => error,
    );
    // Salesforce's subscribe reply error, which faye's error grammar does not split: the whole text
    // arrives as the message (code null).
    expect(refusal?.message).toBe(
      `400::The replayId {${old}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
    );
    await disconnectAll(clients);
  });

  it("publishes nothing for a write rolled back by allOrNone", async () => {
    const sandbox = await sandboxServer();
    const before = sandbox.salesforce.latestReplayId;
    await connect(sandbox)
      .sobject("Lead")
      .create([{ LastName: "Ok", Company: "A" }, { FirstName: "No last name" }], { allOrNone: true });
    expect(sandbox.salesforce.all("Lead")).toHaveLength(0);
    expect(sandbox.salesforce.latestReplayId).toBe(before);
  });

  it("denies the handshake to a token it does not know", async () => {
    const sandbox = await sandboxServer();
    // The Bayeux handshake as jsforce's faye client sends it (a JSON array), with a token the org
    // never issued. (A real client retries a denied handshake on a timer of its own: the wire answer
    // is what the sandbox owes, so it is asked directly.)
    const response = await fetch(`${sandbox.url}/cometd/62.0`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "OAuth not-a-token" },
      body: JSON.stringify([
        {
          channel: "/meta/handshake",
          version: "1.0",
          supportedConnectionTypes: ["long-polling"],
          id: "1",
        },
      ]),
    });
    const [denied] = (await response.json()) as unknown[];
    expect(denied).toMatchObject({
      channel: "/meta/handshake",
      successful: false,
      error: "403::Handshake denied",
      advice: { reconnect: "none" },
      ext: { sfdc: { failureReason: "401::Authentication invalid" } },
    });
  });
});
