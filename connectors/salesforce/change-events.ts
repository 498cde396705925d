import { z } from "zod";
import type { CrmChangeEvent } from "../types.js";
import { parseSalesforceSelect } from "./validate-select.js";

/**
 * Change Data Capture event as the Streaming API delivers it on `/data/<Entity>ChangeEvent`
 * (Change Data Capture Developer Guide, "Change Event Message Structure"): `payload` holds the
 * `ChangeEventHeader` and, for CREATE/UPDATE/UNDELETE, the new values of the fields that changed.
 */
export const changeEventMessageSchema = z.looseObject({
  event: z.looseObject({ replayId: z.number().int() }),
  payload: z.looseObject({
    ChangeEventHeader: z.looseObject({
      entityName: z.string(),
      recordIds: z.array(z.string()),
      changeType: z.string(),
      changedFields: z.array(z.string()).default([]),
      nulledFields: z.array(z.string()).default([]),
      commitTimestamp: z.number().optional(),
    }),
  }),
});
export type ChangeEventMessage = z.infer<typeof changeEventMessageSchema>;

/** What a change event asks of the core: canonical events, or a catch-up pull (an overflow). */
export interface ChangeEventMeaning {
  events: CrmChangeEvent[];
  /** Salesforce could not say what changed (GAP_OVERFLOW): the sources must be pulled. */
  gap?: string;
}

/**
 * The CDC channel of an object: `/data/<Standard>ChangeEvent` (`Lead` → `/data/LeadChangeEvent`),
 * `/data/<Custom>__ChangeEvent` for a custom object (`Donor__c` → `/data/Donor__ChangeEvent`).
 * Change Data Capture Developer Guide, "Subscription Channels".
 */
export function changeChannel(objectType: string): string {
  const custom = /^(.+)__c$/.exec(objectType);
  return custom ? `/data/${custom[1]}__ChangeEvent` : `/data/${objectType}ChangeEvent`;
}

/**
 * The do-not-call checkboxes of an object whose change is an opt-out: DoNotCall (Lead, Contact),
 * PersonDoNotCall (person accounts) and the one configured for an Account or custom object.
 */
export function doNotCallFieldsOf(
  objects: Readonly<Record<string, { doNotCallField?: string | undefined }>>,
  objectType: string,
): string[] {
  const configured = Object.hasOwn(objects, objectType) ? objects[objectType]?.doNotCallField : undefined;
  const standard =
    objectType === "Lead" || objectType === "Contact"
      ? ["DoNotCall"]
      : objectType === "Account"
        ? ["PersonDoNotCall"]
        : [];
  return configured ? [...standard, configured] : standard;
}

/**
 * The channels a set of sources needs: each object source's object; a campaign source's Leads,
 * Contacts and its CampaignMembers (joining or leaving the campaign).
 */
export function channelsForSelects(selects: readonly unknown[]): string[] {
  const objects = new Set<string>();
  for (const raw of selects) {
    const select = parseSalesforceSelect(raw);
    if ("object" in select) objects.add(select.object);
    else for (const object of ["Lead", "Contact", "CampaignMember"]) objects.add(object);
  }
  return [...objects].sort().map(changeChannel);
}

/**
 * Whether records of these sources can be re-read one by one: an object source's members are its
 * records; a campaign source's are CampaignMembers, which an edited Lead does not name, so an edit
 * there asks for a pull instead.
 */
export function recordsRereadable(selects: readonly unknown[]): boolean {
  return selects.every((raw) => "object" in parseSalesforceSelect(raw));
}

/**
 * The canonical events of one CDC message. DoNotCall set in the change is an opt-out applied at once;
 * cleared, it is re-read like any edit (mapping decides). A delete removes the lead; create and
 * undelete may add members, which only a pull can tell. GAP_* events carry no field values: the
 * records are read again. A CampaignMember change moves campaign membership: its sources pull.
 */
export function changeEventMeaning(
  message: ChangeEventMessage,
  rereadable = true,
  doNotCallFields: (objectType: string) => readonly string[] = (o) => doNotCallFieldsOf({}, o),
): ChangeEventMeaning {
  const { ChangeEventHeader: header, ...values } = message.payload;
  const objectType = header.entityName;
  const ids = header.recordIds;
  const type = header.changeType;
  if (type === "GAP_OVERFLOW") {
    return {
      events: [],
      gap: `${objectType} change events overflowed (more than Salesforce reports one by one)`,
    };
  }
  if (objectType === "CampaignMember") {
    return { events: ids.map((crmId) => ({ kind: "created", objectType, crmId })) };
  }
  switch (type) {
    case "DELETE":
    case "GAP_DELETE":
      return { events: ids.map((crmId) => ({ kind: "deleted", objectType, crmId })) };
    case "CREATE":
    case "UNDELETE":
    case "GAP_CREATE":
    case "GAP_UNDELETE":
      return { events: ids.map((crmId) => ({ kind: "created", objectType, crmId })) };
    case "UPDATE": {
      const optedOut = doNotCallFields(objectType).some(
        (field) => header.changedFields.includes(field) && values[field] === true,
      );
      if (optedOut) {
        return { events: ids.map((crmId) => ({ kind: "consent", objectType, crmId, doNotCall: true })) };
      }
      return { events: ids.map((crmId) => edited(objectType, crmId, rereadable)) };
    }
    default:
      // GAP_UPDATE, and any change type added later: read the records again.
      return { events: ids.map((crmId) => edited(objectType, crmId, rereadable)) };
  }
}

function edited(objectType: string, crmId: string, rereadable: boolean): CrmChangeEvent {
  return rereadable ? { kind: "changed", objectType, crmId } : { kind: "created", objectType, crmId };
}

/** Salesforce's refusal of a replay id it no longer keeps ("400::The replayId {n} you provided was invalid…"). */
export function isExpiredReplay(error: unknown): boolean {
  const text =
    typeof error === "string"
      ? error
      : error && typeof error === "object" && "message" in error
        ? String((error as { message: unknown }).message)
        : "";
  return /replayId.*(?:invalid|not valid)/i.test(text);
}
