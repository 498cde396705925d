import { type CrmSandbox, type StartSandboxOptions, startSandbox } from "@telesync/sandbox";
import jsforce from "jsforce";
import { afterEach } from "vitest";

export const API_VERSION = "62.0";

const running: CrmSandbox[] = [];

/** A sandbox server on a random port, closed after the test. */
export async function sandboxServer(options: StartSandboxOptions = {}): Promise<CrmSandbox> {
  const sandbox = await startSandbox(options);
  running.push(sandbox);
  return sandbox;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** A real jsforce connection with a valid token and OAuth refresh configured. */
export function connect(
  sandbox: CrmSandbox,
  accessToken = sandbox.salesforce.issueToken(),
): jsforce.Connection {
  const { clientId, clientSecret, refreshToken } = sandbox.salesforce.credentials;
  return new jsforce.Connection({
    oauth2: { clientId, clientSecret, loginUrl: sandbox.url },
    instanceUrl: sandbox.url,
    accessToken,
    refreshToken,
    version: API_VERSION,
  });
}

/** Plain HTTP against the sandbox with a valid token, for status codes and headers jsforce hides. */
export async function raw(
  sandbox: CrmSandbox,
  path: string,
  init: RequestInit & { token?: string | null } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const { token = sandbox.salesforce.issueToken(), ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  if (rest.body && !headers.has("content-type")) headers.set("content-type", "application/json");
  const response = await fetch(`${sandbox.url}${path}`, { ...rest, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export function dataPath(rest: string): string {
  return `/services/data/v${API_VERSION}${rest}`;
}
