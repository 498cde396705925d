import { randomUUID } from "node:crypto";
import { z } from "zod";
import { notFound, validationError } from "./errors.js";
import type { RouteSpec } from "./route.js";
import type { HubspotSandbox } from "./sandbox.js";
import { objectTypeOr404, parseOr400, ReplyError } from "./wire.js";

const tokenForm = z.object({
  grant_type: z.string(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  refresh_token: z.string().optional(),
});

const membershipQuery = z.object({
  after: z.string().optional(),
  before: z.string().optional(),
  limit: z.coerce.number().int().positive().optional(),
});

/** Membership paging tokens are opaque to clients: the last record id of the page, encoded. */
const encodeAfter = (recordId: string) => Buffer.from(`rid:${recordId}`).toString("base64url");
function decodeAfter(after: string): number {
  const match = /^rid:(\d+)$/.exec(Buffer.from(after, "base64url").toString());
  if (!match) throw new ReplyError(validationError(`Invalid after token: ${after}`));
  return Number(match[1]);
}

/** OAuth token, list memberships, property definitions, call dispositions. */
export function miscRoutes(sandbox: HubspotSandbox): RouteSpec[] {
  const { store } = sandbox;
  return [
    {
      method: "POST",
      url: "/oauth/v1/token",
      kind: "oauth.token",
      auth: false,
      // https://developers.hubspot.com/docs/api/oauth/tokens
      handler: ({ body }) => {
        const form = parseOr400(tokenForm, body);
        const app = sandbox.options.oauth ?? {
          clientId: "sandbox-client",
          clientSecret: "sandbox-secret",
          refreshToken: "sandbox-refresh",
        };
        const bad = (status: string, message: string) => ({
          status: 400,
          body: { status, message, correlationId: randomUUID() },
        });
        if (form.grant_type !== "refresh_token")
          return bad("UNSUPPORTED_GRANT_TYPE", "grant_type must be refresh_token");
        if (form.client_id !== app.clientId || form.client_secret !== app.clientSecret) {
          return bad("BAD_CLIENT_ID", "missing or unknown client id");
        }
        if (form.refresh_token !== app.refreshToken)
          return bad("BAD_REFRESH_TOKEN", "missing or unknown refresh token");
        const { accessToken, expiresIn } = sandbox.issueAccessToken();
        return {
          status: 200,
          body: {
            token_type: "bearer",
            refresh_token: app.refreshToken,
            access_token: accessToken,
            expires_in: expiresIn,
            // Since Aug 2025 the token response carries these too (HubSpot developer changelog).
            hub_id: sandbox.hubId,
            scopes: sandbox.scopes,
          },
        };
      },
    },
    {
      method: "GET",
      url: "/oauth/v1/access-tokens/:token",
      kind: "oauth.accessTokenInfo",
      auth: false,
      // https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/get-oauth-token-metadata
      handler: ({ params }) => {
        const { token } = parseOr400(z.object({ token: z.string() }), params);
        const info = sandbox.tokenInfo(token);
        if (info?.kind !== "oauth" || info.expiresIn === 0) {
          throw new ReplyError(notFound("The access token is invalid or expired"));
        }
        return {
          status: 200,
          body: {
            token,
            user: "admin@sandbox.example",
            hub_domain: "sandbox.hubspot.example",
            scopes: sandbox.scopes,
            hub_id: sandbox.hubId,
            app_id: 456789,
            expires_in: info.expiresIn,
            user_id: 123456,
            token_type: "access",
          },
        };
      },
    },
    {
      method: "POST",
      url: "/oauth/v2/private-apps/get/access-token-info",
      kind: "privateApps.accessTokenInfo",
      auth: false,
      // https://developers.hubspot.com/docs/api/private-apps ("View private app access token information")
      handler: ({ body }) => {
        const { tokenKey } = parseOr400(z.object({ tokenKey: z.string() }), body);
        if (sandbox.tokenInfo(tokenKey)?.kind !== "private_app") {
          throw new ReplyError(notFound("The private app access token is invalid"));
        }
        return {
          status: 200,
          body: { userId: 123456, hubId: sandbox.hubId, appId: 111111, scopes: sandbox.scopes },
        };
      },
    },
    {
      method: "GET",
      url: "/crm/v3/lists/:listId/memberships",
      kind: "lists.memberships",
      handler: ({ params, query }) => {
        const { listId } = parseOr400(z.object({ listId: z.string() }), params);
        const q = parseOr400(membershipQuery, query);
        const limit = q.limit ?? 100;
        if (limit > 250) throw new ReplyError(validationError("limit must be at most 250"));
        const members = store.members(listId);
        if (!members) throw new ReplyError(notFound(`List does not exist with ID ${listId}.`));
        const after = q.after === undefined ? -1 : decodeAfter(q.after);
        const rest = members.filter((m) => Number(m.recordId) > after);
        const page = rest.slice(0, limit);
        const last = page.at(-1);
        const body: Record<string, unknown> = {
          results: page.map((m) => ({
            recordId: m.recordId,
            membershipTimestamp: new Date(m.joinedAt).toISOString(),
          })),
          total: members.length,
        };
        if (last && rest.length > limit) body.paging = { next: { after: encodeAfter(last.recordId) } };
        return { status: 200, body };
      },
    },
    {
      method: "GET",
      url: "/crm/v3/properties/:objectType",
      kind: "properties.getAll",
      handler: ({ params }) => {
        const type = objectTypeOr404(
          store,
          parseOr400(z.object({ objectType: z.string() }), params).objectType,
        );
        const results = store.properties[type].map((p, displayOrder) => ({
          name: p.name,
          label: p.label,
          type: p.type,
          fieldType: p.fieldType,
          description: "",
          groupName: `${type.slice(0, -1)}information`,
          options: (p.options ?? []).map((value, order) => ({
            label: value,
            value,
            displayOrder: order,
            hidden: false,
          })),
          calculated: p.calculated ?? false,
          externalOptions: false,
          hasUniqueValue: p.name === "hs_object_id" || p.unique === true,
          hidden: false,
          hubspotDefined: !p.name.startsWith("telesync_"),
          displayOrder,
          formField: !p.readOnly,
          modificationMetadata: {
            archivable: !p.readOnly,
            readOnlyDefinition: true,
            readOnlyValue: p.readOnly ?? false,
          },
        }));
        return { status: 200, body: { results } };
      },
    },
    {
      method: "GET",
      url: "/calling/v1/dispositions",
      kind: "calling.dispositions",
      handler: () => ({ status: 200, body: store.dispositions.map((d) => ({ ...d, deleted: false })) }),
    },
  ];
}
