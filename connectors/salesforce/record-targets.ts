import { z } from "zod";
import type { SalesforceSession } from "./auth.js";
import {
  customObjectPattern,
  type SalesforceIntegration,
  salesforceLeadObjects,
  salesforceStandardSourceObjects,
} from "./config.js";
import { salesforceIdPattern } from "./limits.js";
import type { FieldCatalog } from "./pull-shared.js";
import { queryAll } from "./query-pages.js";
import { chunkForIn, soqlString } from "./soql.js";

/** Whether records of this object may be leads (pulled, written to): Lead, Contact, Account, `*__c`. */
export function isSourceObject(name: string): boolean {
  return (
    (salesforceStandardSourceObjects as readonly string[]).includes(name) || customObjectPattern.test(name)
  );
}

/**
 * How a call activity (Task, Event) and a do-not-call change reach one record. Task field reference:
 * WhoId names people (a Lead or Contact), WhatId other objects (accounts, custom objects that allow
 * activities) and must stay empty when WhoId is a Lead.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm
 * A person account is an Account row with a matched Contact row (PersonContactId): its activities
 * name that contact as WhoId, and its do-not-call checkbox is PersonDoNotCall.
 */
export interface RecordTarget {
  link: { WhoId: string } | { WhatId: string };
  /** The record's do-not-call checkbox; undefined when its object has none (consent stays internal). */
  doNotCallField?: string;
  /**
   * Fields of an Account or custom object (lower-cased, from describe): the integration-wide
   * disposition `leadUpdates` (e.g. Lead Status) are written only where the object has the field.
   * Undefined for Lead and Contact, which take them all.
   */
  fields?: ReadonlySet<string>;
}

export type TargetOrProblem = RecordTarget | { problem: string };

export interface TargetContext {
  session: SalesforceSession;
  config: Pick<SalesforceIntegration, "objects">;
  /** The object's fields as `describe` reports them (cached by the connector). */
  catalog(object: string): Promise<FieldCatalog>;
}

export function targetKey(lead: { objectType: string; crmId: string }): string {
  return `${lead.objectType}/${lead.crmId}`;
}

const personRowSchema = z.looseObject({
  Id: z.string(),
  IsPersonAccount: z.boolean().nullable().optional(),
  PersonContactId: z.string().nullable().optional(),
});

/** Business account or custom object: Related To the record, the configured checkbox if any. */
function whatTarget(config: TargetContext["config"], objectType: string, crmId: string): RecordTarget {
  const field = config.objects[objectType]?.doNotCallField;
  return { link: { WhatId: crmId }, ...(field ? { doNotCallField: field } : {}) };
}

/**
 * Which of these Account ids are person accounts (15-char id → their contact id) and which exist at
 * all (one query per 200 ids); `found` is undefined when the org has no person accounts (no query).
 */
async function personAccounts(
  ctx: TargetContext,
  ids: readonly string[],
): Promise<{ persons: Map<string, string | undefined>; found?: Set<string> }> {
  const persons = new Map<string, string | undefined>();
  if (ids.length === 0) return { persons };
  // Orgs without person accounts have no IsPersonAccount field: every Account is a business account.
  if (!(await objectFields(ctx, "Account")).has("ispersonaccount")) return { persons };
  const found = new Set<string>();
  for (const chunk of chunkForIn([...ids])) {
    const soql = `SELECT Id, IsPersonAccount, PersonContactId FROM Account WHERE Id IN (${chunk.map(soqlString).join(", ")})`;
    for (const raw of await queryAll(ctx.session, soql)) {
      const row = personRowSchema.parse(raw);
      found.add(row.Id.slice(0, 15));
      if (row.IsPersonAccount === true) persons.set(row.Id.slice(0, 15), row.PersonContactId ?? undefined);
    }
  }
  return { persons, found };
}

function objectFields(ctx: TargetContext, object: string): Promise<ReadonlySet<string>> {
  return ctx.catalog(object).then((catalog) => catalog.fields);
}

/** Where each lead's activities and do-not-call changes go; a problem (permanent) when it cannot be written. */
export async function resolveTargets(
  ctx: TargetContext,
  leads: readonly { objectType: string; crmId: string }[],
): Promise<Map<string, TargetOrProblem>> {
  const out = new Map<string, TargetOrProblem>();
  const accounts: string[] = [];
  for (const lead of leads) {
    const key = targetKey(lead);
    if (out.has(key)) continue;
    if (!isSourceObject(lead.objectType)) {
      out.set(key, {
        problem: `lead object ${JSON.stringify(lead.objectType)} is not Lead, Contact, Account or a custom object`,
      });
    } else if (!salesforceIdPattern.test(lead.crmId)) {
      out.set(key, { problem: `lead id ${JSON.stringify(lead.crmId)} is not a Salesforce id` });
    } else if ((salesforceLeadObjects as readonly string[]).includes(lead.objectType)) {
      out.set(key, { link: { WhoId: lead.crmId }, doNotCallField: "DoNotCall" });
    } else if (lead.objectType === "Account") {
      accounts.push(lead.crmId);
    } else {
      out.set(key, whatTarget(ctx.config, lead.objectType, lead.crmId));
    }
  }
  const { persons, found } = await personAccounts(ctx, accounts);
  // Accounts and custom objects: their fields, for the disposition updates they can take.
  for (const [key, target] of out) {
    if ("problem" in target || !("WhatId" in target.link)) continue;
    out.set(key, { ...target, fields: await objectFields(ctx, key.slice(0, key.indexOf("/"))) });
  }
  const accountFields = accounts.length > 0 ? await objectFields(ctx, "Account") : undefined;
  for (const crmId of accounts) {
    const key = targetKey({ objectType: "Account", crmId });
    const fields = accountFields ? { fields: accountFields } : {};
    if (found && !found.has(crmId.slice(0, 15))) {
      out.set(key, { problem: `Account ${crmId} does not exist (deleted?)` });
    } else if (!persons.has(crmId.slice(0, 15))) {
      out.set(key, { ...whatTarget(ctx.config, "Account", crmId), ...fields });
      continue;
    }
    const contactId = persons.get(crmId.slice(0, 15));
    out.set(
      key,
      contactId
        ? { link: { WhoId: contactId }, doNotCallField: "PersonDoNotCall", ...fields }
        : { problem: `person account ${crmId} has no PersonContactId` },
    );
  }
  return out;
}
