import { sandboxCredentials } from "../../src/demo/sandbox-config.js";

/**
 * An access token from the sandbox's OAuth endpoint (refresh-token grant with the sandbox's
 * credentials), for baselines that call the Salesforce API directly, without telesync.
 */
export async function sandboxSalesforceToken(url: string): Promise<string> {
  const { clientId, clientSecret, refreshToken } = sandboxCredentials.salesforce;
  const response = await fetch(`${url}/services/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: refreshToken,
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
