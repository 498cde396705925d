import http from "node:http";
import https from "node:https";
import net from "node:net";

/**
 * A keep-alive agent whose sockets give up after `timeoutMs` without traffic. The SDK (13.x,
 * node-fetch 2) has no request timeout of its own, so a hung request would wait forever.
 * The error carries `code: "ETIMEDOUT"`, which node-fetch copies and `classifyHubspotError` reads.
 */
export function createHubspotAgent(basePath: string, timeoutMs: number): http.Agent {
  const secure = new URL(basePath).protocol === "https:";
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 32, timeout: timeoutMs })
    : new http.Agent({ keepAlive: true, maxSockets: 32, timeout: timeoutMs });
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = create(options, callback);
    if (socket instanceof net.Socket) {
      socket.setTimeout(timeoutMs);
      socket.once("timeout", () => {
        const error = Object.assign(new Error(`no answer from HubSpot within ${timeoutMs} ms`), {
          code: "ETIMEDOUT",
        });
        socket.destroy(error);
      });
    }
    return socket;
  };
  return agent;
}
