import type { CallingHoursDataset } from "../rules-schema.js";

const daily = [{ start: "08:00", end: "21:00" }];

/** US federal calling hours (TCPA/FCC and TSR/FTC), applied to every US and US-territory lead. */
export const usFederalHours: CallingHoursDataset = {
  id: "us-federal",
  version: "2026.11.28",
  effectiveFrom: "2026-11-28",
  sources: ["47 CFR 64.1200(c)(1)", "16 CFR 310.4(c)"],
  notes: [
    "Prior-invitation, EBR and nonprofit calls are outside 'telephone solicitation'; applied to all sales calls anyway.",
  ],
  rules: [
    {
      jurisdiction: "US",
      days: { sun: daily, mon: daily, tue: daily, wed: daily, thu: daily, fri: daily, sat: daily },
      statutory: true,
      verified: true,
      sources: ["47 CFR 64.1200(c)(1): no solicitation before 8 a.m. or after 9 p.m. local time"],
    },
  ],
};
