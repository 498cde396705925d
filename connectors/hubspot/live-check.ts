import { z } from "zod";
import { CrmError } from "../../src/errors.js";
import type { FieldDescription, LiveCheckRow, LiveCheckSource } from "../types.js";
import { type HubspotIntegration, hubspotSelectSchema, selectObject } from "./config.js";
import { describeObject } from "./describe.js";
import type { ObjectCatalog } from "./object-catalog.js";
import { isCustomObject } from "./objects.js";
import { toSdkRequest } from "./pull-search.js";
import { recordProperties } from "./records.js";
import { buildSearchBody } from "./search-query.js";
import type { HubspotTransport } from "./transport.js";

/**
 * `GET /oauth/v1/access-tokens/{token}` (OAuth access tokens) as the SDK returns it, camel-cased.
 * https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/get-oauth-token-metadata
 */
const oauthTokenInfoSchema = z.object({ hubId: z.number(), scopes: z.array(z.string()) }).loose();
/**
 * `POST /oauth/v2/private-apps/get/access-token-info` with `{ tokenKey }` (private app tokens):
 * `{ userId, hubId, appId, scopes }`. https://developers.hubspot.com/docs/api/private-apps
 */
const privateAppTokenInfoSchema = z.object({ hubId: z.number(), scopes: z.array(z.string()) }).loose();

/** Scopes every integration needs: read contacts, write them (do-not-call) and the calls on them. */
const alwaysNeeded = ["crm.objects.contacts.read", "crm.objects.contacts.write"] as const;
const listsScope = "crm.lists.read";

/**
 * Scopes a source's object needs beyond contacts (HubSpot scopes reference): companies read and
 * write (do-not-call, lead updates); custom objects read and write, and their schemas read (type id
 * of a fully qualified name, check of the object).
 */
export function objectScopes(objectType: string): string[] {
  if (objectType === "companies") return ["crm.objects.companies.read", "crm.objects.companies.write"];
  if (isCustomObject(objectType))
    return ["crm.objects.custom.read", "crm.objects.custom.write", "crm.schemas.custom.read"];
  return [];
}

function message(error: unknown): string {
  if (error instanceof CrmError)
    return error.classification.kind === "auth" ? `refused: ${error.message}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

export interface HubspotLiveCheckDependencies {
  transport: HubspotTransport;
  config: HubspotIntegration;
  integrationId: string;
  catalog?: ObjectCatalog;
}

/** `telesync check --live` for one HubSpot integration (see `CrmConnector.liveCheck`). */
export async function hubspotLiveCheck(
  deps: HubspotLiveCheckDependencies,
  sources: readonly LiveCheckSource[],
): Promise<LiveCheckRow[]> {
  const { transport, config } = deps;
  const subject = `integration ${deps.integrationId}`;
  const rows: LiveCheckRow[] = [];
  const oauth = config.auth.type === "oauth";

  let token: string;
  try {
    token = await transport.auth.fresh();
  } catch (error) {
    rows.push({
      subject,
      check: "token",
      status: "error",
      detail: `no token from the configured credentials: ${message(error)}`,
      fix: oauth
        ? "check clientId, clientSecret and refreshToken (the app's client secret; a refresh token of this app, not revoked)"
        : "check the private app access token",
    });
    return rows;
  }

  const selects = sources.map((s) => ({ source: s, select: hubspotSelectSchema.safeParse(s.select) }));
  const needed: string[] = [...alwaysNeeded];
  if (selects.some(({ select }) => select.success && "listId" in select.data)) needed.push(listsScope);
  for (const { select } of selects)
    if (select.success)
      for (const scope of objectScopes(selectObject(select.data)))
        if (!needed.includes(scope)) needed.push(scope);
  try {
    const info = oauth
      ? oauthTokenInfoSchema.parse(
          await transport.call(
            "oauth.accessTokenInfo",
            (client, options) => client.oauth.accessTokensApi.get(token, options),
            { idempotent: true, authenticated: false },
          ),
        )
      : privateAppTokenInfoSchema.parse(
          await transport.json(
            "privateApps.accessTokenInfo",
            "POST",
            "/oauth/v2/private-apps/get/access-token-info",
            {
              tokenKey: token,
            },
          ),
        );
    rows.push({
      subject,
      check: "token",
      status: "ok",
      detail: `${oauth ? "a new OAuth access token" : "the private app token"} works (Hub ID ${info.hubId})`,
    });
    if (config.portalId !== undefined && config.portalId !== String(info.hubId)) {
      rows.push({
        subject,
        check: "portal",
        status: "error",
        detail: `the token belongs to Hub ID ${info.hubId}, the config says portalId ${config.portalId}`,
        fix: "use the token of the configured account, or correct portalId",
      });
    }
    const missing = needed.filter((scope) => !info.scopes.includes(scope));
    rows.push(
      missing.length === 0
        ? { subject, check: "scopes", status: "ok", detail: `granted: ${needed.join(", ")}` }
        : {
            subject,
            check: "scopes",
            status: "error",
            detail: `missing: ${missing.join(", ")} (granted: ${info.scopes.join(", ") || "none"})`,
            fix: `add the scopes to the ${oauth ? "app and reinstall it" : "private app"}`,
          },
    );
  } catch (error) {
    rows.push({
      subject,
      check: "token",
      status: "error",
      detail: `HubSpot does not describe the token: ${message(error)}`,
      fix: oauth ? "check the OAuth app's credentials" : "check the private app access token",
    });
    return rows;
  }

  rows.push(...(await propertyRows(deps, subject)));
  for (const { source, select } of selects) {
    if (!select.success) continue;
    rows.push(await probe(transport, source, select.data));
  }
  return rows;
}

async function propertyRows(deps: HubspotLiveCheckDependencies, subject: string): Promise<LiveCheckRow[]> {
  const { config } = deps;
  const rows: LiveCheckRow[] = [];
  const describe = async (objectType: string): Promise<FieldDescription[] | LiveCheckRow> => {
    try {
      return await describeObject(deps.transport, objectType);
    } catch (error) {
      return { subject, check: `properties of ${objectType}`, status: "error", detail: message(error) };
    }
  };
  const contacts = await describe("contacts");
  if (Array.isArray(contacts)) rows.push(doNotCallRow(subject, config.doNotCall, contacts));
  else rows.push(contacts);
  const calls = await describe("calls");
  if (Array.isArray(calls)) rows.push(outcomeIdRow(subject, config.outcomeIdProperty, calls));
  else rows.push(calls);
  return rows;
}

/**
 * The do-not-call contact property: a single checkbox (`bool`) is what the README asks for; an
 * enumeration works when `doNotCall.value` is one of its options; a text property only warns.
 */
export function doNotCallRow(
  subject: string,
  doNotCall: HubspotIntegration["doNotCall"],
  contacts: readonly FieldDescription[],
): LiveCheckRow {
  const name = doNotCall.property;
  const check = `property contacts.${name}`;
  const property = contacts.find((f) => f.name === name);
  if (!property) {
    return {
      subject,
      check,
      status: "error",
      detail: "missing: opt-outs cannot be written nor read",
      fix: `create the contact property ${name} (single checkbox) or name yours in doNotCall.property`,
    };
  }
  if (!property.updateable) {
    return {
      subject,
      check,
      status: "error",
      detail: "read-only: opt-outs cannot be written",
      fix: "use a writable property",
    };
  }
  if (property.type === "bool") return { subject, check, status: "ok", detail: "single checkbox (bool)" };
  if (property.type === "enumeration") {
    const options = property.picklistValues ?? [];
    return options.includes(doNotCall.value)
      ? { subject, check, status: "ok", detail: `enumeration with option "${doNotCall.value}"` }
      : {
          subject,
          check,
          status: "error",
          detail: `enumeration without the option "${doNotCall.value}" (options: ${options.join(", ")})`,
          fix: "set doNotCall.value (and clearValue) to options of the property",
        };
  }
  if (property.type === "string") {
    return {
      subject,
      check,
      status: "warn",
      detail: `text property: telesync writes "${doNotCall.value}"/"${doNotCall.clearValue}" and only "${doNotCall.value}" means do-not-call`,
      fix: "prefer a single checkbox property",
    };
  }
  return {
    subject,
    check,
    status: "error",
    detail: `type ${property.type}: cannot hold "${doNotCall.value}"`,
    fix: "use a single checkbox (bool) property",
  };
}

/** The call property holding telesync's outcome id: single-line text, writable. */
export function outcomeIdRow(
  subject: string,
  name: string,
  calls: readonly FieldDescription[],
): LiveCheckRow {
  const check = `property calls.${name}`;
  const property = calls.find((f) => f.name === name);
  if (!property) {
    return {
      subject,
      check,
      status: "error",
      detail: "missing: retried writes cannot find calls already written (duplicates)",
      fix: `create the call property ${name} (single-line text) or name yours in outcomeIdProperty`,
    };
  }
  if (property.type !== "string" || !property.updateable) {
    return {
      subject,
      check,
      status: "error",
      detail: `type ${property.type}${property.updateable ? "" : ", read-only"}: outcome ids are text`,
      fix: "use a writable single-line text property",
    };
  }
  return { subject, check, status: "ok", detail: "single-line text" };
}

/** One record of the source, as its pull asks: a search with limit 1, one list membership, one record. */
async function probe(
  transport: HubspotTransport,
  source: LiveCheckSource,
  select: z.infer<typeof hubspotSelectSchema>,
): Promise<LiveCheckRow> {
  const subject = `source ${source.id}`;
  const objectType = selectObject(select);
  const properties = recordProperties(source.fields, objectType);
  try {
    if ("search" in select) {
      const body = toSdkRequest(
        buildSearchBody(select.search.filterGroups, { t: 0, op: "GTE" }, properties, 1, objectType),
      );
      const found = z
        .object({ total: z.number() })
        .loose()
        .parse(
          await transport.call(
            `${objectType}.search`,
            (client, options) => client.crm.objects.searchApi.doSearch(objectType, body, options),
            { search: true, idempotent: true },
          ),
        );
      return {
        subject,
        check: "probe",
        status: "ok",
        detail: `search accepted; ${found.total} ${objectType} match`,
      };
    }
    if ("listId" in select) {
      await transport.call(
        "lists.memberships",
        (client, options) =>
          client.crm.lists.membershipsApi.getPage(select.listId, undefined, undefined, 1, options),
        { idempotent: true },
      );
      return { subject, check: "probe", status: "ok", detail: `list ${select.listId} readable` };
    }
    await transport.call(
      `${objectType}.list`,
      (client, options) =>
        client.crm.objects.basicApi.getPage(
          objectType,
          1,
          undefined,
          properties,
          undefined,
          undefined,
          false,
          options,
        ),
      { idempotent: true },
    );
    return { subject, check: "probe", status: "ok", detail: `${objectType} readable` };
  } catch (error) {
    return {
      subject,
      check: "probe",
      status: "error",
      detail: `HubSpot refused the source's request: ${message(error)}`,
      fix: "correct the source's select (list id, filters, property names)",
    };
  }
}
