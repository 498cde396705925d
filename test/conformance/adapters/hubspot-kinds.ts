import type { HubspotObjectType, HubspotSandbox } from "@telesync/sandbox";
import type { ConformanceSourceSpec, LiveSource } from "../adapter.js";

const listId = "77";

/** One kind of HubSpot record the conformance suite runs on: contacts, companies, a custom object. */
export interface HubspotKind {
  /** For test titles. */
  name: string;
  /** The source's `object` (and `CrmRecord.objectType`): as an admin writes it in the config. */
  objectType: string;
  /** The sandbox's store of the object. */
  storeType: HubspotObjectType;
  sources: readonly [ConformanceSourceSpec, ...ConformanceSourceSpec[]];
  fields: { name: string; phone: string; doNotCall: string };
  pullFields: string[];
  /**
   * The association type id a call to this object's records must carry: HubSpot-defined call →
   * contact 194 and call → company 182 (HubSpot's association type id table, the SDK's
   * `AssociationTypes`); a custom object's is portal-specific, what the portal's labels API lists.
   */
  callAssociationTypeId: (portal: HubspotSandbox) => number;
  /** The integration's `objects` block (phone and do-not-call properties of companies and custom objects). */
  objects?: Record<string, { doNotCall: { property: string }; phoneProperties?: string[] }>;
  liveSources(portal: HubspotSandbox): Record<string, LiveSource>;
  /** Records of the object in no source. */
  seedOutside(portal: HubspotSandbox, n: number): string[];
}

const searchSpec = (description: string): ConformanceSourceSpec => ({
  key: "search",
  description,
  incremental: true,
  // connectors/hubspot/README.md: "Not detected: a contact that stops matching the search filters".
  reportsLeavers: false,
});
const listSpec: ConformanceSourceSpec = {
  key: "list",
  description: `members of list ${listId}`,
  // connectors/hubspot/README.md: a list source is a full pass per pull.
  incremental: false,
  reportsLeavers: true,
};

export const contactsKind: HubspotKind = {
  name: "contacts",
  objectType: "contacts",
  storeType: "contacts",
  sources: [searchSpec("contacts where hs_lead_status = NEW (search)"), listSpec],
  fields: { name: "firstname", phone: "phone", doNotCall: "telesync_do_not_call" },
  pullFields: ["firstname", "lastname", "phone", "telesync_do_not_call"],
  callAssociationTypeId: () => 194,
  liveSources: (portal) => ({
    search: {
      select: {
        search: {
          filterGroups: [{ filters: [{ propertyName: "hs_lead_status", operator: "EQ", value: "NEW" }] }],
        },
      },
      seed: (n) => portal.seedContacts(n),
      leave: (id) => portal.updateContact(id, { hs_lead_status: "UNQUALIFIED" }),
    },
    list: {
      select: { listId },
      seed: (n) => portal.seedContacts(n, { listId }),
      leave: (id) => portal.removeFromList(listId, [id]),
    },
  }),
  // Not NEW and in no list: outside every source.
  seedOutside: (portal, n) => portal.seedContacts(n, { properties: () => ({ hs_lead_status: "OPEN" }) }),
};

const nonProfit = "NON_PROFIT_ORGANIZATION_MANAGEMENT";

export const companiesKind: HubspotKind = {
  name: "companies",
  objectType: "companies",
  storeType: "companies",
  sources: [searchSpec(`companies where industry = ${nonProfit} (search)`), listSpec],
  fields: { name: "name", phone: "phone", doNotCall: "telesync_do_not_call" },
  pullFields: ["name", "phone", "telesync_do_not_call"],
  callAssociationTypeId: () => 182,
  objects: { companies: { doNotCall: { property: "telesync_do_not_call" } } },
  liveSources: (portal) => ({
    search: {
      select: {
        object: "companies",
        search: {
          filterGroups: [{ filters: [{ propertyName: "industry", operator: "EQ", value: nonProfit }] }],
        },
      },
      seed: (n) => portal.seedCompanies(n),
      leave: (id) => portal.updateRecord("companies", id, { industry: "RETAIL" }),
    },
    list: {
      select: { object: "companies", listId },
      seed: (n) => portal.seedCompanies(n, { listId }),
      leave: (id) => portal.removeFromList(listId, [id]),
    },
  }),
  seedOutside: (portal, n) => portal.seedCompanies(n, { properties: () => ({ industry: "RETAIL" }) }),
};

/** The custom object by its fully qualified name (`p<hubId>_donors`), as the schemas API gives it. */
export const customObjectKind: HubspotKind = {
  name: "custom object p62515_donors",
  objectType: "p62515_donors",
  storeType: "donors",
  sources: [searchSpec("donors where stage = Active (search)"), listSpec],
  fields: { name: "donor_name", phone: "phone_number", doNotCall: "do_not_call" },
  pullFields: ["donor_name", "phone_number", "do_not_call"],
  // Portal-specific: the unlabeled type the portal's labels API lists for calls → this object.
  callAssociationTypeId: () => 1201,
  objects: { p62515_donors: { doNotCall: { property: "do_not_call" }, phoneProperties: ["phone_number"] } },
  liveSources: (portal) => ({
    search: {
      select: {
        object: "p62515_donors",
        search: { filterGroups: [{ filters: [{ propertyName: "stage", operator: "EQ", value: "Active" }] }] },
      },
      seed: (n) => portal.seedDonors(n),
      leave: (id) => portal.updateRecord("donors", id, { stage: "Lapsed" }),
    },
    list: {
      select: { object: "p62515_donors", listId },
      seed: (n) => portal.seedDonors(n, { listId }),
      leave: (id) => portal.removeFromList(listId, [id]),
    },
  }),
  seedOutside: (portal, n) => portal.seedDonors(n, { properties: () => ({ stage: "Lapsed" }) }),
};
