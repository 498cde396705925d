import type { AddressInfo } from "node:net";
import { HubspotSandbox, type HubspotSandboxOptions, hubspotSandboxPlugin } from "@telesync/sandbox";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach } from "vitest";

export interface RunningHubspotSandbox {
  sandbox: HubspotSandbox;
  app: FastifyInstance;
  /** The SDK's basePath: `http://127.0.0.1:PORT/hubspot`. */
  basePath: string;
  close(): Promise<void>;
}

/** A HubSpot sandbox on a free port, mounted like the lead mounts it (prefix `/hubspot`). */
export async function startHubspotSandbox(
  options: HubspotSandboxOptions = {},
): Promise<RunningHubspotSandbox> {
  const sandbox = new HubspotSandbox(options);
  const app = Fastify({ logger: false, forceCloseConnections: true });
  await app.register(hubspotSandboxPlugin(sandbox), { prefix: "/hubspot" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  return { sandbox, app, basePath: `http://127.0.0.1:${port}/hubspot`, close: () => app.close() };
}

export interface SandboxAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected freely in tests
  body: any;
  headers: Headers;
}

/** A raw HTTP call to the sandbox, bearer token included unless `token` is null. */
export async function sandboxCall(
  running: RunningHubspotSandbox,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = "sandbox-token",
): Promise<SandboxAnswer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${running.basePath}${path}`, {
    method,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/**
 * For a test file: `start(options)` runs a sandbox closed after each test, `call(...)` talks to it.
 * Registers its own afterEach.
 */
export function useHubspotSandbox(): {
  start(options?: HubspotSandboxOptions): Promise<RunningHubspotSandbox>;
  call(method: string, path: string, body?: unknown, token?: string | null): Promise<SandboxAnswer>;
} {
  let running: RunningHubspotSandbox | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  return {
    start: async (options = {}) => {
      running = await startHubspotSandbox(options);
      return running;
    },
    call: (method, path, body, token = "sandbox-token") => {
      if (!running) throw new Error("sandbox not started");
      return sandboxCall(running, method, path, body, token);
    },
  };
}
