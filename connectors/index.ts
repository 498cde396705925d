import { type VendorIntegration, vendorFor } from "./registry.js";
import type { ConnectorContext, CrmConnector } from "./types.js";

export type * from "./types.js";

/** The one place the core reaches a vendor: pick the connector for an integration's `vendor`. */
export function createConnector(config: VendorIntegration, context: ConnectorContext): CrmConnector {
  return vendorFor(config).createConnector(context);
}

/** The CRM objects a source's leads live on, for schema checks (`telesync check --live`). */
export function sourceObjectTypes(config: VendorIntegration, select: Record<string, unknown>): string[] {
  return vendorFor(config).sourceObjectTypes(select);
}

/** Whether the source's records take only the disposition updates their object has a field for. */
export function updatesOnlyExistingFields(
  config: VendorIntegration,
  select: Record<string, unknown>,
): boolean {
  return vendorFor(config).updatesOnlyExistingFields(select);
}

/** What `telesync check` tells an admin about a valid source (e.g. opt-outs that stay internal). */
export function sourceWarnings(config: VendorIntegration, select: Record<string, unknown>): string[] {
  return vendorFor(config).sourceWarnings(select);
}
