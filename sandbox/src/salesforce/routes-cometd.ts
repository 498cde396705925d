import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { invalidReplayError, type PublishedChange } from "./change-events.js";
import type { SalesforceSandbox } from "./sandbox.js";

/** A Bayeux message as clients send it; only the members the Streaming API reads. */
const bayeuxMessage = z.looseObject({
  channel: z.string(),
  id: z.string().optional(),
  clientId: z.string().optional(),
  subscription: z.union([z.string(), z.array(z.string())]).optional(),
  ext: z
    .looseObject({ replay: z.record(z.string(), z.union([z.number(), z.string()])).optional() })
    .optional(),
  /** A client's first connect asks `{ timeout: 0 }`: answer at once instead of holding it. */
  advice: z.looseObject({ timeout: z.number().optional() }).optional(),
});
type BayeuxMessage = z.infer<typeof bayeuxMessage>;
type Reply = Record<string, unknown>;

interface StreamingClient {
  /** channel → the replay id of the last event delivered (or the start position). */
  readonly cursors: Map<string, number>;
  wake: (() => void) | undefined;
}

const authFailure = { sfdc: { failureReason: "401::Authentication invalid" }, replay: true };

/**
 * The Streaming API's CometD endpoint (Bayeux 1.0 over JSON long-polling, with Salesforce's replay
 * extension) serving the org's change events on `/data/<Entity>ChangeEvent`: handshake, subscribe
 * with `ext.replay = { channel: replayId }` (-1 new only, -2 all retained, else after that id; an id
 * no longer retained is refused with Salesforce's 400), connect held until events or the timeout,
 * unsubscribe and disconnect.
 */
export function cometdPlugin(sandbox: SalesforceSandbox) {
  return async (app: FastifyInstance): Promise<void> => {
    const clients = new Map<string, StreamingClient>();
    const holds = new Set<() => void>();
    const log = sandbox.changeEvents;
    const unlisten = log.onPublish(() => {
      for (const client of clients.values()) client.wake?.();
    });
    app.addHook("onClose", async () => {
      unlisten();
      for (const release of [...holds]) release();
    });

    const pending = (client: StreamingClient): PublishedChange[] => {
      const out: PublishedChange[] = [];
      for (const [channel, cursor] of client.cursors) out.push(...log.after(channel, cursor));
      return out.sort((a, b) => a.replayId - b.replayId);
    };

    const deliver = (client: StreamingClient, events: PublishedChange[]): Reply[] =>
      events.map((event) => {
        client.cursors.set(event.channel, Math.max(client.cursors.get(event.channel) ?? 0, event.replayId));
        return { channel: event.channel, data: event.data };
      });

    const handshake = (message: BayeuxMessage): Reply => {
      const clientId = randomUUID().replaceAll("-", "");
      clients.set(clientId, { cursors: new Map(), wake: undefined });
      return {
        channel: "/meta/handshake",
        id: message.id,
        version: "1.0",
        minimumVersion: "1.0",
        supportedConnectionTypes: ["long-polling"],
        clientId,
        successful: true,
        ext: { replay: true, "payload.format": true },
        advice: { interval: 0, timeout: sandbox.cometdHoldMs, reconnect: "retry" },
      };
    };

    const subscribe = (client: StreamingClient, message: BayeuxMessage): Reply => {
      const channels = [message.subscription ?? []].flat();
      for (const channel of channels) {
        if (!/^\/data\/\w+ChangeEvent$/.test(channel)) {
          return {
            ...base(message),
            subscription: message.subscription,
            successful: false,
            error: `400::Unknown channel ${channel}`,
          };
        }
        const requested = Number(message.ext?.replay?.[channel] ?? -1);
        const start = log.startAfter(requested);
        if (start === undefined) {
          return {
            ...base(message),
            subscription: message.subscription,
            successful: false,
            error: invalidReplayError(requested),
          };
        }
        client.cursors.set(channel, start);
      }
      client.wake?.();
      return {
        ...base(message),
        subscription: message.subscription,
        successful: true,
        ext: { replay: message.ext?.replay ?? {} },
      };
    };

    const connect = async (client: StreamingClient, message: BayeuxMessage): Promise<Reply[]> => {
      let events = pending(client);
      if (events.length === 0 && message.advice?.timeout !== 0) {
        await new Promise<void>((resolve) => {
          const release = () => {
            clearTimeout(timer);
            holds.delete(release);
            client.wake = undefined;
            resolve();
          };
          const timer = setTimeout(release, sandbox.cometdHoldMs);
          holds.add(release);
          client.wake = release;
        });
        events = pending(client);
      }
      return [
        ...deliver(client, events),
        {
          ...base(message),
          successful: true,
          advice: { interval: 0, timeout: sandbox.cometdHoldMs, reconnect: "retry" },
        },
      ];
    };

    const handle = async (message: BayeuxMessage, authorized: boolean): Promise<Reply[]> => {
      if (message.channel === "/meta/handshake") {
        if (!authorized) {
          return [
            {
              ...base(message),
              successful: false,
              error: "403::Handshake denied",
              ext: authFailure,
              advice: { reconnect: "none" },
            },
          ];
        }
        return [handshake(message)];
      }
      const client = message.clientId ? clients.get(message.clientId) : undefined;
      if (!client || !authorized) {
        return [
          {
            ...base(message),
            successful: false,
            error: "403::Unknown client",
            ...(authorized ? {} : { ext: authFailure }),
            advice: { reconnect: authorized ? "handshake" : "none", interval: 0 },
          },
        ];
      }
      switch (message.channel) {
        case "/meta/subscribe":
          return [subscribe(client, message)];
        case "/meta/unsubscribe":
          for (const channel of [message.subscription ?? []].flat()) client.cursors.delete(channel);
          return [{ ...base(message), subscription: message.subscription, successful: true }];
        case "/meta/connect":
          return connect(client, message);
        case "/meta/disconnect":
          client.wake?.();
          clients.delete(message.clientId ?? "");
          return [{ ...base(message), successful: true }];
        default:
          return [
            {
              ...base(message),
              successful: false,
              error: `403::Publishing to ${message.channel} is not allowed`,
            },
          ];
      }
    };

    app.post("/cometd/:version", async (request: FastifyRequest, reply: FastifyReply) => {
      const { version } = request.params as { version: string };
      if (!/^\d{2,3}\.0$/.test(version))
        return reply
          .code(404)
          .send([{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }]);
      const parsed = z.array(bayeuxMessage).safeParse([request.body].flat());
      if (!parsed.success)
        return reply.code(400).send([{ successful: false, error: "400::Invalid message" }]);
      const token = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
      const authorized = sandbox.auth.isValid(token);
      // A batch's connect is answered last, after its subscribes took effect (as CometD servers do).
      const isConnect = (m: BayeuxMessage) => m.channel === "/meta/connect";
      const ordered = [...parsed.data.filter((m) => !isConnect(m)), ...parsed.data.filter(isConnect)];
      const replies: Reply[] = [];
      for (const message of ordered) replies.push(...(await handle(message, authorized)));
      return reply.code(200).send(replies);
    });
  };
}

function base(message: BayeuxMessage): Reply {
  return { channel: message.channel, id: message.id, clientId: message.clientId };
}
