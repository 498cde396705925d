/** Object types the sandbox serves; `donors` is the portal's custom object (see `customObject`). */
export const objectTypes = ["contacts", "companies", "donors", "calls", "notes", "meetings"] as const;
export type ObjectType = (typeof objectTypes)[number];

/**
 * The portal's custom object, as the schemas API describes it: addressed on the wire by its type id
 * or fully qualified name (`p<hubId>_donors`, or the short form `p_donors`), never by `donors` alone.
 */
export const customObject = {
  name: "donors",
  objectTypeId: "2-3508482",
  labels: { singular: "Donor", plural: "Donors" },
  primaryDisplayProperty: "donor_name",
} as const;

/**
 * Object type ids ("Using the object APIs"): the path may name a standard object by name or id.
 * https://developers.hubspot.com/docs/guides/crm/understanding-the-crm#object-type-ids
 */
export const standardTypeIds: Record<Exclude<ObjectType, "donors">, string> = {
  contacts: "0-1",
  companies: "0-2",
  notes: "0-46",
  meetings: "0-47",
  calls: "0-48",
};

/** The object a request path names (name, type id, or the custom object's ids), if the portal has it. */
export function resolveObjectType(raw: string, hubId: number): ObjectType | undefined {
  for (const [name, id] of Object.entries(standardTypeIds))
    if (raw === name || raw === id) return name as ObjectType;
  const custom = [customObject.objectTypeId, `p${hubId}_${customObject.name}`, `p_${customObject.name}`];
  return custom.includes(raw) ? "donors" : undefined;
}

export type PropertyType = "string" | "number" | "datetime" | "date" | "enumeration" | "bool";

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  options?: string[];
  /** Set by HubSpot only (hs_object_id, lastmodifieddate…). */
  readOnly?: boolean;
  /** A unique-value property (`hasUniqueValue`): a batch upsert may name records by it. */
  unique?: boolean;
  calculated?: boolean;
}

const text = (name: string, label: string): PropertyDefinition => ({
  name,
  label,
  type: "string",
  fieldType: "text",
});
const readOnly = (definition: PropertyDefinition): PropertyDefinition => ({ ...definition, readOnly: true });
const enumeration = (name: string, label: string, options: string[]): PropertyDefinition => ({
  name,
  label,
  type: "enumeration",
  fieldType: "select",
  options,
});
const datetime = (name: string, label: string): PropertyDefinition => ({
  name,
  label,
  type: "datetime",
  fieldType: "date",
});
const number = (name: string, label: string): PropertyDefinition => ({
  name,
  label,
  type: "number",
  fieldType: "number",
});
const bool = (name: string, label: string): PropertyDefinition => ({
  name,
  label,
  type: "bool",
  fieldType: "booleancheckbox",
  options: ["true", "false"],
});

/** HubSpot's phone properties: a string with the `phonenumber` field type. */
const phone = (name: string, label: string): PropertyDefinition => ({
  name,
  label,
  type: "string",
  fieldType: "phonenumber",
});

const common = [
  readOnly(number("hs_object_id", "Record ID")),
  readOnly(datetime("createdate", "Create Date")),
  readOnly(datetime("hs_lastmodifieddate", "Last Modified Date")),
  text("hubspot_owner_id", "Owner"),
];

/** A subset of HubSpot's default properties, plus telesync's custom ones. */
export function defaultProperties(options: {
  outcomeIdProperty: string;
  doNotCallProperty: string;
}): Record<ObjectType, PropertyDefinition[]> {
  return {
    contacts: [
      ...common,
      readOnly(datetime("lastmodifieddate", "Last Modified Date")),
      readOnly(text("hs_merged_object_ids", "Merged Contact IDs")),
      text("firstname", "First Name"),
      text("lastname", "Last Name"),
      text("email", "Email"),
      phone("phone", "Phone Number"),
      phone("mobilephone", "Mobile Phone Number"),
      text("company", "Company Name"),
      text("jobtitle", "Job Title"),
      text("city", "City"),
      text("state", "State/Region"),
      text("country", "Country/Region"),
      text("zip", "Postal Code"),
      text("hs_timezone", "Time Zone"),
      enumeration("hs_lead_status", "Lead Status", [
        "NEW",
        "OPEN",
        "IN_PROGRESS",
        "OPEN_DEAL",
        "UNQUALIFIED",
        "ATTEMPTED_TO_CONTACT",
        "CONNECTED",
        "BAD_TIMING",
      ]),
      enumeration("lifecyclestage", "Lifecycle Stage", [
        "subscriber",
        "lead",
        "marketingqualifiedlead",
        "salesqualifiedlead",
        "opportunity",
        "customer",
        "evangelist",
        "other",
      ]),
      readOnly(bool("hs_email_optout", "Unsubscribed from all email")),
      bool(options.doNotCallProperty, "Do not call (telesync)"),
      // Custom properties an outreach portal adds for its survey: telesync writes script answers to them.
      enumeration("support_level", "Support level", ["Strong Support", "Leaning", "Undecided", "Opposed"]),
      bool("volunteer", "Volunteer"),
      number("volunteer_hours", "Volunteer hours"),
      // The unique property an admin adds for inbound create-lead: telesync upserts by it.
      { ...text("telesync_inbound_id", "telesync inbound id"), unique: true },
    ],
    // Default company properties (name, phone, domain…) plus a do-not-call checkbox an admin adds.
    companies: [
      ...common,
      readOnly(text("hs_merged_object_ids", "Merged Company IDs")),
      text("name", "Company name"),
      phone("phone", "Phone Number"),
      text("domain", "Company Domain Name"),
      text("city", "City"),
      text("state", "State/Region"),
      text("country", "Country/Region"),
      text("zip", "Postal Code"),
      text("timezone", "Time Zone"),
      enumeration("industry", "Industry", [
        "NON_PROFIT_ORGANIZATION_MANAGEMENT",
        "RETAIL",
        "HOSPITAL_HEALTH_CARE",
      ]),
      enumeration("lifecyclestage", "Lifecycle Stage", ["lead", "customer", "other"]),
      bool(options.doNotCallProperty, "Do not call (telesync)"),
      number("numberofemployees", "Number of Employees"),
    ],
    // The custom object: a donor with a phone, a stage and its own do-not-call checkbox.
    donors: [
      ...common,
      text("donor_name", "Donor name"),
      phone("phone_number", "Phone number"),
      number("gift_total", "Total given"),
      enumeration("stage", "Stage", ["Active", "Lapsed"]),
      bool("do_not_call", "Do not call"),
      text("state", "State"),
    ],
    calls: [
      ...common,
      datetime("hs_timestamp", "Activity date"),
      text("hs_call_title", "Call Title"),
      { ...text("hs_call_body", "Call notes"), fieldType: "html" },
      number("hs_call_duration", "Call duration"),
      enumeration("hs_call_direction", "Call direction", ["INBOUND", "OUTBOUND"]),
      text("hs_call_disposition", "Call outcome"),
      enumeration("hs_call_status", "Call status", [
        "BUSY",
        "CALLING_CRM_USER",
        "CANCELED",
        "COMPLETED",
        "CONNECTING",
        "FAILED",
        "IN_PROGRESS",
        "NO_ANSWER",
        "QUEUED",
        "RINGING",
      ]),
      text("hs_call_to_number", "To number"),
      text("hs_call_from_number", "From number"),
      text("hs_call_recording_url", "Recording URL"),
      enumeration("hs_call_source", "Call source", ["INTEGRATIONS_PLATFORM"]),
      text("hs_activity_type", "Call and meeting type"),
      text(options.outcomeIdProperty, "telesync outcome id"),
    ],
    notes: [
      ...common,
      datetime("hs_timestamp", "Activity date"),
      { ...text("hs_note_body", "Note body"), fieldType: "html" },
    ],
    // Meetings guide: https://developers.hubspot.com/docs/api-reference/latest/crm/activities/meetings/guide
    meetings: [
      ...common,
      datetime("hs_timestamp", "Activity date"),
      text("hs_meeting_title", "Meeting name"),
      { ...text("hs_meeting_body", "Meeting description"), fieldType: "html" },
      text("hs_internal_meeting_notes", "Internal notes"),
      text("hs_meeting_external_url", "External URL"),
      text("hs_meeting_location", "Location"),
      datetime("hs_meeting_start_time", "Start time"),
      datetime("hs_meeting_end_time", "End time"),
      enumeration("hs_meeting_outcome", "Meeting outcome", [
        "SCHEDULED",
        "COMPLETED",
        "RESCHEDULED",
        "NO_SHOW",
        "CANCELED",
      ]),
      text("hs_activity_type", "Call and meeting type"),
      text("telesync_appointment_id", "telesync appointment id"),
    ],
  };
}

/** The six default call outcomes (`hs_call_disposition` GUIDs). */
export const defaultDispositions = [
  { id: "9d9162e7-6cf3-4944-bf63-4dff82258764", label: "Busy" },
  { id: "f240bbac-87c9-4f6e-bf70-924b57d47db7", label: "Connected" },
  { id: "a4c4c377-d246-4b32-a13b-75a56a4cd0ff", label: "Left live message" },
  { id: "b2cf5968-551e-4856-9783-52b3da59a7d0", label: "Left voicemail" },
  { id: "73a0d17f-1163-4015-bdd5-ec830791da20", label: "No answer" },
  { id: "17b47fee-58de-441e-a44c-c6300d46f273", label: "Wrong number" },
];

/** Association type ids the sandbox accepts on create, per object type (to contacts). */
export const contactAssociationTypes: Record<"calls" | "notes" | "meetings", number> = {
  calls: 194,
  notes: 202,
  /** meeting → contact (SDK `AssociationTypes.meetingToContact`). */
  meetings: 200,
};

/**
 * The unlabeled association types from an engagement to a record, as `GET /crm/v4/associations/
 * {from}/{to}/labels` lists them: HubSpot-defined for contacts (194/202/200) and companies (call
 * 182, note 190, meeting 188: the SDK's `AssociationTypes`); the custom object's are portal-specific
 * ids (HubSpot numbers them per account), here 1201-1203.
 */
export const engagementAssociationTypes: Record<
  "calls" | "notes" | "meetings",
  Partial<Record<ObjectType, { category: "HUBSPOT_DEFINED" | "USER_DEFINED"; typeId: number }>>
> = {
  calls: {
    contacts: { category: "HUBSPOT_DEFINED", typeId: 194 },
    companies: { category: "HUBSPOT_DEFINED", typeId: 182 },
    donors: { category: "HUBSPOT_DEFINED", typeId: 1201 },
  },
  notes: {
    contacts: { category: "HUBSPOT_DEFINED", typeId: 202 },
    companies: { category: "HUBSPOT_DEFINED", typeId: 190 },
    donors: { category: "HUBSPOT_DEFINED", typeId: 1202 },
  },
  meetings: {
    contacts: { category: "HUBSPOT_DEFINED", typeId: 200 },
    companies: { category: "HUBSPOT_DEFINED", typeId: 188 },
    donors: { category: "HUBSPOT_DEFINED", typeId: 1203 },
  },
};
