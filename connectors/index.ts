import type { IntegrationConfig } from "../src/config/schema.js";
import { createHubspotConnector } from "./hubspot/connector.js";
import { createSalesforceConnector } from "./salesforce/connector.js";
import type { ConnectorContext, CrmConnector } from "./types.js";

export type * from "./types.js";

/** The one place the core reaches a vendor: pick the connector for an integration's `vendor`. */
export function createConnector(config: IntegrationConfig, context: ConnectorContext): CrmConnector {
  switch (config.vendor) {
    case "salesforce":
      return createSalesforceConnector(config, context);
    case "hubspot":
      return createHubspotConnector(config, context);
  }
}

/** The CRM objects a source's leads live on, for schema checks (`telesync check --live`). */
export function sourceObjectTypes(config: IntegrationConfig, select: Record<string, unknown>): string[] {
  if (config.vendor === "hubspot") return ["contacts"];
  return typeof select.object === "string" ? [select.object] : ["Lead", "Contact"];
}
