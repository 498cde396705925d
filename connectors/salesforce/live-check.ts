import { z } from "zod";
import type { LiveCheckRow, LiveCheckSource } from "../types.js";
import type { SalesforceSession } from "./auth.js";
import type { SalesforceIntegration, SalesforceSelect } from "./config.js";
import { queryResultSchema } from "./query-pages.js";
import { campaignMemberQuery, objectPageQuery } from "./soql.js";

/**
 * The identity URL's answer (the token response's `id`), the fields a check reads.
 * https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_openid.htm
 */
const identitySchema = z
  .object({
    username: z.string(),
    organization_id: z.string(),
    active: z.boolean(),
    user_type: z.string().optional(),
  })
  .loose();

/** Scopes that let a token call the REST API (`full` includes `api`). */
const apiScopes = ["api", "full"];

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface SalesforceLiveCheckDependencies {
  session: SalesforceSession;
  config: SalesforceIntegration;
  integrationId: string;
  /** Parses a source's select (throws for an invalid one, already reported by `telesync check`). */
  parseSelect: (select: unknown) => SalesforceSelect;
}

/** `telesync check --live` for one Salesforce integration (see `CrmConnector.liveCheck`). */
export async function salesforceLiveCheck(
  deps: SalesforceLiveCheckDependencies,
  sources: readonly LiveCheckSource[],
): Promise<LiveCheckRow[]> {
  const { session, config } = deps;
  const subject = `integration ${deps.integrationId}`;
  const rows: LiveCheckRow[] = [];
  const flow = config.auth.type;

  let token: Awaited<ReturnType<SalesforceSession["freshToken"]>>;
  try {
    token = await session.freshToken();
  } catch (error) {
    rows.push({
      subject,
      check: "token",
      status: "error",
      detail: `the token endpoint refused the configured credentials (${flow}): ${message(error)}`,
      fix:
        flow === "refresh_token"
          ? "check clientId, clientSecret and refreshToken (a refresh token of this connected app, not revoked), and loginUrl"
          : "check clientId and clientSecret, the connected app's Client Credentials Flow user, and instanceUrl (My Domain)",
    });
    return rows;
  }
  rows.push({ subject, check: "token", status: "ok", detail: `a new access token from the ${flow} flow` });

  const granted = token.scope?.split(/\s+/).filter(Boolean);
  if (granted === undefined) {
    rows.push({
      subject,
      check: "scopes",
      status: "warn",
      detail: "the token response names no scopes",
      fix: "make sure the connected app's OAuth scopes include api",
    });
  } else if (!granted.some((scope) => apiScopes.includes(scope))) {
    rows.push({
      subject,
      check: "scopes",
      status: "error",
      detail: `granted: ${granted.join(" ") || "none"}; REST calls need api`,
      fix: "add the scope api (Manage user data via APIs) to the connected app, then issue a new refresh token",
    });
  } else {
    rows.push({ subject, check: "scopes", status: "ok", detail: `granted: ${granted.join(" ")}` });
  }

  if (token.id) rows.push(await identityRow(session, subject, token.id));

  for (const source of sources) {
    let select: SalesforceSelect;
    try {
      select = deps.parseSelect(source.select);
    } catch {
      continue;
    }
    rows.push(await probe(session, source, select));
  }
  return rows;
}

async function identityRow(session: SalesforceSession, subject: string, url: string): Promise<LiveCheckRow> {
  try {
    const identity = identitySchema.parse(
      await session.call((conn) =>
        conn.request({ method: "GET", url, headers: { Accept: "application/json" } }),
      ),
    );
    if (!identity.active) {
      return {
        subject,
        check: "identity",
        status: "error",
        detail: `user ${identity.username} is inactive`,
        fix: "activate the integration user or authorize another one",
      };
    }
    return {
      subject,
      check: "identity",
      status: "ok",
      detail: `user ${identity.username} (${identity.user_type ?? "type unknown"}) in org ${identity.organization_id}`,
    };
  } catch (error) {
    return {
      subject,
      check: "identity",
      status: "warn",
      detail: `the identity URL did not answer: ${message(error)}`,
      fix: "grant the connected app the id (or openid) scope to see which user it runs as",
    };
  }
}

/** The source's own query, `LIMIT 1`: the SOQL `where` and the mapped fields compile and are readable. */
async function probe(
  session: SalesforceSession,
  source: LiveCheckSource,
  select: SalesforceSelect,
): Promise<LiveCheckRow> {
  const subject = `source ${source.id}`;
  try {
    const soql =
      "object" in select
        ? objectPageQuery({ object: select.object, fields: source.fields, where: select.where })
        : campaignMemberQuery({ campaignId: select.campaignId, leadFields: [], contactFields: [] });
    const answer = queryResultSchema.parse(
      await session.call((conn) => conn.query(`${soql} LIMIT 1`, { autoFetch: false })),
    );
    const what =
      "object" in select ? `${select.object}${select.where ? " where …" : ""}` : "campaign members";
    return {
      subject,
      check: "probe",
      status: "ok",
      detail: `${what}: query accepted (${answer.records.length === 0 ? "no record matches yet" : "records match"})`,
    };
  } catch (error) {
    return {
      subject,
      check: "probe",
      status: "error",
      detail: `Salesforce refused the source's query: ${message(error)}`,
      fix: "correct the where condition or the mapped field names (field-level security included)",
    };
  }
}
