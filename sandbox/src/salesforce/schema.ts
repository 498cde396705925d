/** A stored field value: datetimes are epoch milliseconds, dates are `YYYY-MM-DD` strings. */
export type SfValue = string | number | boolean | null;
export type SfRecord = Readonly<Record<string, SfValue>>;

export type FieldType =
  | "id"
  | "reference"
  | "string"
  | "textarea"
  | "phone"
  | "email"
  | "picklist"
  | "boolean"
  | "int"
  | "double"
  | "date"
  | "datetime";

const TEXT_TYPES: ReadonlySet<FieldType> = new Set(["string", "textarea", "phone", "email", "picklist"]);

/** Text compares and sorts case-insensitively in SOQL. */
export function isTextField(field: FieldDef): boolean {
  return TEXT_TYPES.has(field.type);
}

export interface FieldDef {
  readonly name: string;
  readonly label: string;
  readonly type: FieldType;
  readonly length: number;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly nillable: boolean;
  /** Must be supplied on create (not nillable and not defaulted). */
  readonly required: boolean;
  readonly picklist?: readonly string[];
  /** A restricted picklist rejects values outside `picklist`. */
  readonly restricted?: boolean;
  readonly defaultValue?: SfValue;
  readonly referenceTo?: readonly string[];
  readonly relationshipName?: string;
  /** An External ID field: unique, and an upsert may name records by it. */
  readonly externalId?: boolean;
}

export interface ObjectDef {
  readonly name: string;
  readonly label: string;
  readonly labelPlural: string;
  readonly keyPrefix: string;
  readonly fields: readonly FieldDef[];
  /** Lower-cased field name → field: SOQL and JSON field names are case-insensitive. */
  readonly byName: ReadonlyMap<string, FieldDef>;
  /** Lower-cased relationship name (e.g. `lead`, `who`) → the reference field behind it. */
  readonly relationships: ReadonlyMap<string, FieldDef>;
  /** Values computed from other fields on every write (Name, LeadOrContactId, …). */
  readonly derive?: (record: SfRecord) => Record<string, SfValue>;
}

type Opts = Partial<Pick<FieldDef, "createable" | "updateable" | "nillable" | "required" | "defaultValue">>;

function field(name: string, label: string, type: FieldType, length: number, opts: Opts = {}): FieldDef {
  const required = opts.required ?? false;
  return {
    name,
    label,
    type,
    length,
    createable: opts.createable ?? true,
    updateable: opts.updateable ?? opts.createable ?? true,
    nillable: opts.nillable ?? (!required && opts.defaultValue === undefined),
    required,
    ...(opts.defaultValue !== undefined ? { defaultValue: opts.defaultValue } : {}),
  };
}

const str = (name: string, label: string, length: number, opts?: Opts) =>
  field(name, label, "string", length, opts);
const text = (name: string, label: string, length: number) => field(name, label, "textarea", length);
const phone = (name: string, label: string) => field(name, label, "phone", 40);
const email = (name: string, label: string) => field(name, label, "email", 80);
const bool = (name: string, label: string, opts?: Opts) =>
  field(name, label, "boolean", 0, { defaultValue: false, nillable: false, ...opts });
const date = (name: string, label: string, opts?: Opts) => field(name, label, "date", 0, opts);
const readOnly: Opts = { createable: false, updateable: false };

function picklist(
  name: string,
  label: string,
  values: readonly string[],
  opts: Opts & { restricted?: boolean } = {},
): FieldDef {
  return {
    ...field(name, label, "picklist", 255, opts),
    picklist: values,
    restricted: opts.restricted ?? false,
  };
}

function ref(
  name: string,
  label: string,
  referenceTo: readonly string[],
  relationshipName: string | undefined,
  opts?: Opts,
): FieldDef {
  return {
    ...field(name, label, "reference", 18, opts),
    referenceTo,
    ...(relationshipName ? { relationshipName } : {}),
  };
}

const idField = field("Id", "Record ID", "id", 18, { ...readOnly, nillable: false });
const ownerField = ref("OwnerId", "Owner ID", ["User"], "Owner", { nillable: false });
const auditFields: readonly FieldDef[] = [
  bool("IsDeleted", "Deleted", readOnly),
  field("CreatedDate", "Created Date", "datetime", 0, { ...readOnly, nillable: false }),
  ref("CreatedById", "Created By ID", ["User"], "CreatedBy", { ...readOnly, nillable: false }),
  field("LastModifiedDate", "Last Modified Date", "datetime", 0, { ...readOnly, nillable: false }),
  ref("LastModifiedById", "Last Modified By ID", ["User"], "LastModifiedBy", {
    ...readOnly,
    nillable: false,
  }),
  field("SystemModstamp", "System Modstamp", "datetime", 0, { ...readOnly, nillable: false }),
];

const leadSources = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"];

function fullName(record: SfRecord): Record<string, SfValue> {
  const parts = [record.FirstName, record.LastName].filter((p) => typeof p === "string" && p !== "");
  return { Name: parts.join(" ") };
}

function defineObject(
  name: string,
  labelPlural: string,
  keyPrefix: string,
  fields: readonly FieldDef[],
  derive?: ObjectDef["derive"],
): ObjectDef {
  const all = [idField, ...fields, ...auditFields];
  const relationships = new Map<string, FieldDef>();
  for (const f of all) {
    if (f.relationshipName) relationships.set(f.relationshipName.toLowerCase(), f);
  }
  return {
    name,
    label: name.replace(/([a-z])([A-Z])/g, "$1 $2"),
    labelPlural,
    keyPrefix,
    fields: all,
    byName: new Map(all.map((f) => [f.name.toLowerCase(), f])),
    relationships,
    ...(derive ? { derive } : {}),
  };
}

export const LEAD_STATUSES = [
  "Open - Not Contacted",
  "Working - Contacted",
  "Closed - Converted",
  "Closed - Not Converted",
] as const;

const lead = defineObject(
  "Lead",
  "Leads",
  "00Q",
  [
    str("FirstName", "First Name", 40),
    str("LastName", "Last Name", 80, { required: true }),
    str("Name", "Full Name", 121, readOnly),
    str("Title", "Title", 128),
    str("Company", "Company", 255, { required: true }),
    text("Street", "Street", 255),
    str("City", "City", 40),
    str("State", "State/Province", 80),
    str("PostalCode", "Zip/Postal Code", 20),
    str("Country", "Country", 80),
    phone("Phone", "Phone"),
    phone("MobilePhone", "Mobile Phone"),
    email("Email", "Email"),
    text("Description", "Description", 32000),
    picklist("LeadSource", "Lead Source", leadSources),
    picklist("Status", "Status", LEAD_STATUSES, { defaultValue: "Open - Not Contacted", restricted: true }),
    ownerField,
    bool("IsConverted", "Converted"),
    bool("DoNotCall", "Do Not Call"),
    bool("HasOptedOutOfEmail", "Email Opt Out"),
    date("LastActivityDate", "Last Activity", readOnly),
    // Custom fields an outreach org adds for its survey: telesync writes script answers to them.
    picklist("Support__c", "Support", ["Strong Support", "Leaning", "Undecided", "Opposed"], {
      restricted: true,
    }),
    bool("Volunteer__c", "Volunteer"),
    field("Volunteer_Hours__c", "Volunteer Hours", "double", 18),
    // The External ID field an admin adds for inbound create-lead: telesync upserts by it.
    { ...str("Telesync_Inbound_Id__c", "telesync inbound id", 255), externalId: true },
  ],
  fullName,
);

const contact = defineObject(
  "Contact",
  "Contacts",
  "003",
  [
    ref("AccountId", "Account ID", ["Account"], "Account"),
    str("FirstName", "First Name", 40),
    str("LastName", "Last Name", 80, { required: true }),
    str("Name", "Full Name", 121, readOnly),
    str("Title", "Title", 128),
    text("MailingStreet", "Mailing Street", 255),
    str("MailingCity", "Mailing City", 40),
    str("MailingState", "Mailing State/Province", 80),
    str("MailingPostalCode", "Mailing Zip/Postal Code", 20),
    str("MailingCountry", "Mailing Country", 80),
    phone("Phone", "Business Phone"),
    phone("MobilePhone", "Mobile Phone"),
    phone("HomePhone", "Home Phone"),
    email("Email", "Email"),
    text("Description", "Contact Description", 32000),
    picklist("LeadSource", "Lead Source", leadSources),
    ownerField,
    bool("DoNotCall", "Do Not Call"),
    bool("HasOptedOutOfEmail", "Email Opt Out"),
    date("LastActivityDate", "Last Activity", readOnly),
  ],
  fullName,
);

const task = defineObject("Task", "Tasks", "00T", [
  ref("WhoId", "Name ID", ["Contact", "Lead"], "Who"),
  ref("WhatId", "Related To ID", ["Account", "Campaign", "Donor__c"], "What"),
  str("Subject", "Subject", 255),
  date("ActivityDate", "Due Date Only"),
  picklist(
    "Status",
    "Status",
    ["Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"],
    {
      defaultValue: "Not Started",
      restricted: true,
    },
  ),
  picklist("Priority", "Priority", ["High", "Normal", "Low"], { defaultValue: "Normal", restricted: true }),
  ownerField,
  text("Description", "Description", 32000),
  picklist("TaskSubtype", "Task Subtype", ["Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"], {
    updateable: false,
    restricted: true,
  }),
  picklist("CallType", "Call Type", ["Internal", "Inbound", "Outbound"], { restricted: true }),
  str("CallDisposition", "Call Result", 255),
  field("CallDurationInSeconds", "Call Duration", "int", 0),
  str("CallObject", "Call Object Identifier", 255),
]);

/**
 * Event (a calendar entry, e.g. an appointment set on a call). `Telesync_Appointment_Id__c` is the
 * custom field an admin creates so a retried write finds the Event it already made.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_event.htm
 */
const event = defineObject("Event", "Events", "00U", [
  ref("WhoId", "Name ID", ["Contact", "Lead"], "Who"),
  ref("WhatId", "Related To ID", ["Account", "Campaign", "Donor__c"], "What"),
  str("Subject", "Subject", 255),
  field("StartDateTime", "Start", "datetime", 0),
  field("EndDateTime", "End", "datetime", 0),
  field("ActivityDateTime", "Due Date Time", "datetime", 0),
  field("DurationInMinutes", "Duration", "int", 0),
  bool("IsAllDayEvent", "All-Day Event"),
  str("Location", "Location", 255),
  ownerField,
  text("Description", "Description", 32000),
  str("Telesync_Appointment_Id__c", "telesync appointment id", 255),
]);

const campaignMember = defineObject(
  "CampaignMember",
  "Campaign Members",
  "00v",
  [
    ref("CampaignId", "Campaign ID", ["Campaign"], "Campaign", { required: true, updateable: false }),
    ref("LeadId", "Lead ID", ["Lead"], "Lead", { updateable: false }),
    ref("ContactId", "Contact ID", ["Contact"], "Contact", { updateable: false }),
    ref("LeadOrContactId", "Contact or Lead ID", ["Contact", "Lead"], undefined, readOnly),
    picklist("Status", "Status", ["Planned", "Received", "Responded", "Sent"], { defaultValue: "Sent" }),
    bool("HasResponded", "Responded", readOnly),
  ],
  (r) => ({ LeadOrContactId: r.LeadId ?? r.ContactId ?? null, HasResponded: r.Status === "Responded" }),
);

const campaign = defineObject("Campaign", "Campaigns", "701", [
  str("Name", "Name", 80, { required: true }),
  bool("IsActive", "Active"),
  picklist("Status", "Status", ["Planned", "In Progress", "Completed", "Aborted"]),
  picklist("Type", "Type", ["Conference", "Webinar", "Email", "Telemarketing", "Direct Mail", "Other"]),
  date("StartDate", "Start Date"),
  date("EndDate", "End Date"),
  text("Description", "Description", 32000),
  ownerField,
]);

/**
 * Account, in an org with Person Accounts enabled: a business account has a Name; a person account
 * (created with LastName) is an Account row plus a matched Contact row (PersonContactId), with the
 * person's fields on the Account (PersonMobilePhone, PersonDoNotCall…). IsPersonAccount is read-only.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_account.htm
 */
const account = defineObject(
  "Account",
  "Accounts",
  "001",
  [
    str("Name", "Account Name", 255),
    phone("Phone", "Account Phone"),
    str("BillingState", "Billing State/Province", 80),
    str("BillingCountry", "Billing Country", 80),
    str("Industry", "Industry", 40),
    ownerField,
    str("FirstName", "First Name", 40),
    str("LastName", "Last Name", 80),
    bool("IsPersonAccount", "Is Person Account", readOnly),
    ref("PersonContactId", "Person Contact ID", ["Contact"], "PersonContact", readOnly),
    phone("PersonMobilePhone", "Mobile"),
    phone("PersonHomePhone", "Home Phone"),
    email("PersonEmail", "Email"),
    str("PersonMailingState", "Mailing State/Province", 80),
    str("PersonMailingCountry", "Mailing Country", 80),
    bool("PersonDoNotCall", "Do Not Call"),
    // A checkbox an admin added for business accounts, which have no do-not-call field of their own.
    bool("Do_Not_Call__c", "Do Not Call (company)"),
  ],
  (r) => {
    const person = typeof r.LastName === "string" && r.LastName !== "";
    return person ? { IsPersonAccount: true, ...fullName(r) } : { IsPersonAccount: false };
  },
);

/**
 * A custom object an outreach org keeps donors in, with "Allow Activities" ticked (so Task.WhatId
 * and Event.WhatId may name it) and Change Data Capture selected.
 */
const donor = defineObject("Donor__c", "Donors", "a01", [
  str("Name", "Donor Name", 80, { required: true }),
  str("First_Name__c", "First Name", 40),
  str("Last_Name__c", "Last Name", 80),
  phone("Phone__c", "Phone"),
  phone("Mobile__c", "Mobile"),
  email("Email__c", "Email"),
  str("State__c", "State", 20),
  str("Country__c", "Country", 2),
  picklist("Stage__c", "Stage", ["Prospect", "Active", "Lapsed"], { defaultValue: "Prospect" }),
  bool("Do_Not_Call__c", "Do Not Call"),
  field("Lifetime_Giving__c", "Lifetime Giving", "double", 18),
  ownerField,
]);

/** A custom object without "Allow Activities" (Task.WhatId cannot name it), for the admin checks. */
const pledge = defineObject("Pledge__c", "Pledges", "a02", [
  str("Name", "Pledge Name", 80, { required: true }),
  phone("Phone__c", "Phone"),
  field("Amount__c", "Amount", "double", 18),
  ownerField,
]);

const user = defineObject(
  "User",
  "Users",
  "005",
  [
    str("Username", "Username", 80, { required: true }),
    str("FirstName", "First Name", 40),
    str("LastName", "Last Name", 80, { required: true }),
    str("Name", "Full Name", 121, readOnly),
    email("Email", "Email"),
    bool("IsActive", "Active", { defaultValue: true }),
    str("TimeZoneSidKey", "Time Zone", 40, { defaultValue: "America/Los_Angeles" }),
  ],
  fullName,
);

export const OBJECTS: readonly ObjectDef[] = [
  lead,
  contact,
  task,
  event,
  campaignMember,
  campaign,
  account,
  donor,
  pledge,
  user,
];

const byLowerName = new Map(OBJECTS.map((o) => [o.name.toLowerCase(), o]));
const byPrefix = new Map(OBJECTS.map((o) => [o.keyPrefix, o]));

/** The object definition for a (case-insensitive) name, if the sandbox knows it. */
export function objectDef(name: string): ObjectDef | undefined {
  return byLowerName.get(name.toLowerCase());
}

/** The object an id belongs to, from its 3-character key prefix. */
export function objectOfId(id: string): ObjectDef | undefined {
  return byPrefix.get(id.slice(0, 3));
}
