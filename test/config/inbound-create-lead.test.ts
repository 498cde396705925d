import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { createLeadFields } from "../../src/outcomes/create-lead.js";

const base = `
integrations:
  sf:
    vendor: salesforce
    instanceUrl: https://acme.my.salesforce.com
    auth: { type: refresh_token, clientId: c, clientSecret: "\${S}", refreshToken: "\${S}" }
mappings:
  leads: { fields: [{ to: phone, from: Phone }] }
campaigns:
  q4: {}
`;
const env = { S: "secret" };

function refusal(text: string): string {
  try {
    parseConfig(text, "t.yaml", env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const createLead = (overrides = "") => `${base}inbound:
  policy: create-lead
  createLead:
    integration: sf
    object: Lead
    idField: Telesync_Inbound_Id__c
    fields:
      Phone: { from: phone }
      LastName: { from: callerLastName, default: Unknown caller }
      Company: { value: Unknown }
${overrides}`;

describe("inbound.createLead config", () => {
  it("parses a create-lead policy with its mapping (campaign name defaults to inbound)", () => {
    const config = parseConfig(createLead(), "t.yaml", env);
    expect(config.inbound.policy).toBe("create-lead");
    expect(config.inbound.createLead).toMatchObject({
      integration: "sf",
      object: "Lead",
      campaign: "inbound",
    });
  });

  it("names file, path and line of each mistake, with the fix", () => {
    expect(refusal(`${base}inbound:\n  policy: create-lead\n`)).toMatch(
      /inbound\.policy \(line 12\).*policy create-lead needs inbound\.createLead/s,
    );
    expect(refusal(createLead().replace("integration: sf", "integration: crm"))).toMatch(
      /inbound\.createLead\.integration \(line 14\).*unknown integration "crm"; expected one of "sf"/s,
    );
    expect(refusal(createLead().replace("object: Lead", "object: Contact"))).toContain(
      'salesforce leads for unknown callers are created on Lead, not "Contact"',
    );
    expect(refusal(createLead().replace("Phone: { from: phone }", "Phone: { from: number }"))).toContain(
      "inbound.createLead.fields.Phone",
    );
    expect(refusal(createLead().replace("Phone: { from: phone }", "Phone: { value: x }"))).toContain(
      "no field takes { from: phone }",
    );
    expect(refusal(createLead().replace("policy: create-lead", "policy: ask"))).toContain(
      "createLead is set but unused",
    );
    // Strict: a misspelt key is refused, not ignored.
    expect(refusal(createLead().replace("idField:", "idFeld:"))).toContain("idFeld");
  });
});

describe("the fields of a created lead (pure)", () => {
  const fields = {
    Phone: { from: "phone" },
    FirstName: { from: "callerFirstName" },
    LastName: { from: "callerLastName", default: "Unknown caller" },
    LeadSource: { value: "Phone Inquiry" },
  } as const;

  it("splits the caller's name at the first space, and writes defaults and constants", () => {
    expect(createLeadFields({ fields }, { phone: "+16468671000", callerName: "  Ada van Dyke " })).toEqual({
      Phone: "+16468671000",
      FirstName: "Ada",
      LastName: "van Dyke",
      LeadSource: "Phone Inquiry",
    });
    expect(createLeadFields({ fields }, { phone: "+16468671000" })).toEqual({
      Phone: "+16468671000",
      LastName: "Unknown caller",
      LeadSource: "Phone Inquiry",
    });
    expect(createLeadFields({ fields }, { phone: "+16468671000", callerName: "Cher" })).toMatchObject({
      LastName: "Cher",
    });
  });
});
