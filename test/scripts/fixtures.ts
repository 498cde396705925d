import { type Script, scriptSchema } from "../../src/config/script-schema.js";

/**
 * An outreach script, drawn by hand:
 *   support (choice) ─ strong / lean → volunteer ─ yes → hours → end
 *                    │                           └ no → end
 *                    ├ undecided → issue → visit_date → end
 *                    └ oppose → end
 */
export const outreachScriptInput = {
  questions: [
    {
      id: "support",
      text: "Will you support Measure 4?",
      type: "choice",
      options: ["strong", "lean", "undecided", "oppose"],
      required: true,
      next: { when: { undecided: "issue", oppose: "end" } },
    },
    {
      id: "volunteer",
      text: "Would you volunteer?",
      type: "yes-no",
      required: true,
      next: { when: { no: "end" } },
    },
    {
      id: "hours",
      text: "How many hours a week?",
      type: "number",
      min: 0,
      max: 40,
      buckets: [5, 10, 20],
      required: true,
      next: "end",
    },
    { id: "issue", text: "Which issue matters most to you?", type: "text" },
    { id: "visit_date", text: "When could we visit?", type: "date" },
  ],
};

export const outreachScript: Script = scriptSchema.parse(outreachScriptInput);

export type Answers = Record<string, string | number | boolean>;

/** Seven answer patterns, one per outcome in turn; the expected CRM values are written out by hand. */
export const surveyPatterns: Array<{
  answers: Answers;
  /** Salesforce Lead fields. */
  fields: Record<string, unknown>;
  /** HubSpot contact properties (strings). */
  properties: Record<string, string>;
  summary: string;
}> = [
  {
    answers: { support: "strong", volunteer: true, hours: 4 },
    fields: { Support__c: "Strong Support", Volunteer__c: true, Volunteer_Hours__c: 4 },
    properties: { support_level: "Strong Support", volunteer: "true", volunteer_hours: "4" },
    summary:
      "Survey:\nWill you support Measure 4? → strong\nWould you volunteer? → yes\nHow many hours a week? → 4",
  },
  {
    answers: { support: "strong", volunteer: true, hours: 12 },
    fields: { Support__c: "Strong Support", Volunteer__c: true, Volunteer_Hours__c: 12 },
    properties: { support_level: "Strong Support", volunteer: "true", volunteer_hours: "12" },
    summary:
      "Survey:\nWill you support Measure 4? → strong\nWould you volunteer? → yes\nHow many hours a week? → 12",
  },
  {
    answers: { support: "lean", volunteer: false },
    fields: { Support__c: "Leaning", Volunteer__c: false },
    properties: { support_level: "Leaning", volunteer: "false" },
    summary: "Survey:\nWill you support Measure 4? → lean\nWould you volunteer? → no",
  },
  {
    answers: { support: "oppose" },
    fields: { Support__c: "Opposed" },
    properties: { support_level: "Opposed" },
    summary: "Survey:\nWill you support Measure 4? → oppose",
  },
  {
    answers: { support: "undecided", issue: "roads", visit_date: "2026-12-01" },
    fields: { Support__c: "Undecided" },
    properties: { support_level: "Undecided" },
    summary:
      "Survey:\nWill you support Measure 4? → undecided\nWhich issue matters most to you? → roads\nWhen could we visit? → 2026-12-01",
  },
  {
    answers: { support: "strong", volunteer: true, hours: 25 },
    fields: { Support__c: "Strong Support", Volunteer__c: true, Volunteer_Hours__c: 25 },
    properties: { support_level: "Strong Support", volunteer: "true", volunteer_hours: "25" },
    summary:
      "Survey:\nWill you support Measure 4? → strong\nWould you volunteer? → yes\nHow many hours a week? → 25",
  },
  {
    answers: { support: "lean", volunteer: true, hours: 10 },
    fields: { Support__c: "Leaning", Volunteer__c: true, Volunteer_Hours__c: 10 },
    properties: { support_level: "Leaning", volunteer: "true", volunteer_hours: "10" },
    summary:
      "Survey:\nWill you support Measure 4? → lean\nWould you volunteer? → yes\nHow many hours a week? → 10",
  },
];
