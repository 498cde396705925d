import type { SalesforceSandbox } from "@telesync/sandbox";
import { z } from "zod";
import type { ConformanceSourceSpec, LiveSource } from "../adapter.js";

const openStatus = "Open - Not Contacted";
const memberRowSchema = z.object({ Id: z.string() }).loose();

/**
 * How a call activity names a record, per Salesforce's Task reference (the oracle of these tests):
 * Leads and Contacts by WhoId; a person account by WhoId = its PersonContactId; business accounts
 * and custom objects that allow activities by WhatId.
 */
export type ActivityLink = "who" | "person-contact" | "what";

/** One kind of Salesforce record the conformance suite runs on. */
export interface SalesforceKind {
  /** For test titles. */
  name: string;
  objectType: string;
  sources: readonly [ConformanceSourceSpec, ...ConformanceSourceSpec[]];
  fields: { name: string; phone: string; doNotCall: string };
  pullFields: string[];
  link: ActivityLink;
  /** The integration's `objects` block (do-not-call fields of Accounts and custom objects). */
  objects?: Record<string, { doNotCallField: string }>;
  liveSources(org: SalesforceSandbox): Record<string, LiveSource>;
  /** Records of the object in no source. */
  seedOutside(org: SalesforceSandbox, n: number): string[];
}

const objectSpec = (description: string): ConformanceSourceSpec => ({
  key: "object",
  description,
  incremental: true,
  reportsLeavers: true,
});

function insertMany(org: SalesforceSandbox, n: number, make: () => Record<string, unknown>, type: string) {
  return Array.from({ length: n }, () => org.insert(type, make()));
}

export const leadKind: SalesforceKind = {
  name: "Lead",
  objectType: "Lead",
  sources: [
    objectSpec(`Lead where Status = '${openStatus}'`),
    { key: "campaign", description: "members of a Campaign", incremental: true, reportsLeavers: true },
  ],
  fields: { name: "FirstName", phone: "Phone", doNotCall: "DoNotCall" },
  pullFields: ["FirstName", "LastName", "Phone", "DoNotCall"],
  link: "who",
  liveSources: (org) => {
    const campaignId = org.createCampaign("Conformance");
    return {
      object: {
        select: { object: "Lead", where: `Status = '${openStatus}'` },
        seed: (n) => org.seedLeads(n),
        leave: (id) => org.update("Lead", id, { Status: "Working - Contacted" }),
      },
      campaign: {
        select: { campaignId },
        seed: (n) => org.seedLeads(n, { campaignId }),
        leave: (id) => {
          const rows = org.query(
            `SELECT Id FROM CampaignMember WHERE CampaignId = '${campaignId}' AND LeadId = '${id}'`,
          ).records;
          for (const row of rows) org.removeCampaignMember(memberRowSchema.parse(row).Id);
        },
      },
    };
  },
  // Leads with another Status are in no source.
  seedOutside: (org, n) => org.seedLeads(n, { status: "Working - Contacted" }),
};

let contactSerial = 0;
function contactFields(country: string): Record<string, unknown> {
  contactSerial++;
  const line = String(contactSerial % 10_000).padStart(4, "0");
  return {
    FirstName: `Pat${contactSerial}`,
    LastName: "Conformance",
    Phone: `(415) 555-${line}`,
    MailingState: "CA",
    MailingCountry: country,
  };
}

export const contactKind: SalesforceKind = {
  name: "Contact",
  objectType: "Contact",
  sources: [objectSpec("Contact where MailingCountry = 'US'")],
  fields: { name: "FirstName", phone: "Phone", doNotCall: "DoNotCall" },
  pullFields: ["FirstName", "LastName", "Phone", "DoNotCall"],
  link: "who",
  liveSources: (org) => ({
    object: {
      select: { object: "Contact", where: "MailingCountry = 'US'" },
      seed: (n) => insertMany(org, n, () => contactFields("US"), "Contact"),
      leave: (id) => org.update("Contact", id, { MailingCountry: "CA" }),
    },
  }),
  seedOutside: (org, n) => insertMany(org, n, () => contactFields("CA"), "Contact"),
};

export const businessAccountKind: SalesforceKind = {
  name: "Account (business)",
  objectType: "Account",
  sources: [objectSpec("business Accounts where Industry = 'Nonprofit'")],
  fields: { name: "Name", phone: "Phone", doNotCall: "Do_Not_Call__c" },
  pullFields: ["Name", "Phone", "Do_Not_Call__c"],
  link: "what",
  objects: { Account: { doNotCallField: "Do_Not_Call__c" } },
  liveSources: (org) => ({
    object: {
      select: { object: "Account", accounts: "business", where: "Industry = 'Nonprofit'" },
      seed: (n) => org.seedAccounts(n),
      leave: (id) => org.update("Account", id, { Industry: "Retail" }),
    },
  }),
  seedOutside: (org, n) => org.seedAccounts(n, { industry: "Retail" }),
};

export const personAccountKind: SalesforceKind = {
  name: "Person Account",
  objectType: "Account",
  sources: [objectSpec("person Accounts where PersonMailingCountry = 'US'")],
  fields: { name: "FirstName", phone: "PersonMobilePhone", doNotCall: "PersonDoNotCall" },
  pullFields: ["FirstName", "LastName", "PersonMobilePhone", "PersonDoNotCall"],
  link: "person-contact",
  liveSources: (org) => ({
    object: {
      select: { object: "Account", accounts: "person", where: "PersonMailingCountry = 'US'" },
      seed: (n) => org.seedAccounts(n, { person: true }),
      leave: (id) => org.update("Account", id, { PersonMailingCountry: "CA" }),
    },
  }),
  seedOutside: (org, n) => org.seedAccounts(n, { person: true, country: "CA" }),
};

export const customObjectKind: SalesforceKind = {
  name: "custom object Donor__c",
  objectType: "Donor__c",
  sources: [objectSpec("Donor__c where Stage__c = 'Active'")],
  fields: { name: "Name", phone: "Phone__c", doNotCall: "Do_Not_Call__c" },
  pullFields: ["Name", "Phone__c", "Do_Not_Call__c"],
  link: "what",
  objects: { Donor__c: { doNotCallField: "Do_Not_Call__c" } },
  liveSources: (org) => ({
    object: {
      select: { object: "Donor__c", where: "Stage__c = 'Active'" },
      seed: (n) => org.seedDonors(n),
      leave: (id) => org.update("Donor__c", id, { Stage__c: "Lapsed" }),
    },
  }),
  seedOutside: (org, n) => org.seedDonors(n, { stage: "Lapsed" }),
};
