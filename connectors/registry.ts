import { z } from "zod";
import { type HubspotIntegration, hubspotIntegrationSchema } from "./hubspot/config.js";
import { hubspotVendor } from "./hubspot/vendor.js";
import { type SalesforceIntegration, salesforceIntegrationSchema } from "./salesforce/config.js";
import { salesforceVendor } from "./salesforce/vendor.js";
import type {
  ActivitySettings,
  ConnectorContext,
  CrmConnector,
  SelectProblem,
  VendorModule,
} from "./types.js";

/**
 * The one list of vendors. The core reaches a vendor's config schema, checks, activity settings and
 * connector only through this file; adding a CRM means a folder beside the others and a line here.
 */
export const vendors = { salesforce: salesforceVendor, hubspot: hubspotVendor } as const;

export type VendorName = keyof typeof vendors;
/** An integration block as its vendor's schema parses it (the core adds shared keys such as dispositions). */
export type VendorIntegration = SalesforceIntegration | HubspotIntegration;

/**
 * The `integrations.<id>` schema: the vendors' own (strict) schemas, chosen by `vendor`, each with
 * the keys every integration shares (`shared`, declared by the core).
 */
export function integrationSchemaWith<Shared extends z.core.$ZodLooseShape>(shared: Shared) {
  return z.discriminatedUnion("vendor", [
    salesforceIntegrationSchema.extend(shared),
    hubspotIntegrationSchema.extend(shared),
  ]);
}

export function isVendorName(name: string): name is VendorName {
  return Object.hasOwn(vendors, name);
}

/** Problems of a source's `select` block for a vendor, paths relative to the block. */
export function checkSelect(
  vendor: VendorName,
  select: unknown,
  errorMap?: z.core.$ZodErrorMap,
): SelectProblem[] {
  return vendors[vendor].checkSelect(select, errorMap);
}

/** Why a field name a mapping reads could never be pulled from this vendor, if it could not. */
export function fieldNameProblem(vendor: VendorName, name: string): string | undefined {
  return vendors[vendor].fieldNameProblem(name);
}

/** The objects an inbound `create-lead` may create a lead on, for this vendor. */
export function leadObjectTypes(vendor: VendorName): readonly string[] {
  return vendors[vendor].leadObjectTypes;
}

/** What the core needs of one configured integration's vendor, already bound to its config. */
export interface IntegrationVendor {
  readonly vendor: VendorName;
  activitySettings(): ActivitySettings;
  sourceObjectTypes(select: Record<string, unknown>): string[];
  sourceWarnings(select: Record<string, unknown>): string[];
  updatesOnlyExistingFields(select: Record<string, unknown>): boolean;
  createConnector(context: ConnectorContext): CrmConnector;
}

function bind<Config extends VendorIntegration>(
  module: VendorModule<Config>,
  config: Config,
): IntegrationVendor {
  return {
    vendor: config.vendor,
    activitySettings: () => module.activitySettings(config),
    sourceObjectTypes: (select) => module.sourceObjectTypes(select),
    sourceWarnings: (select) => module.sourceWarnings?.(config, select) ?? [],
    updatesOnlyExistingFields: (select) => module.updatesOnlyExistingFields?.(select) ?? false,
    createConnector: (context) => module.createConnector(config, context),
  };
}

export function vendorFor(config: VendorIntegration): IntegrationVendor {
  switch (config.vendor) {
    case "salesforce":
      return bind(salesforceVendor, config);
    case "hubspot":
      return bind(hubspotVendor, config);
  }
}
