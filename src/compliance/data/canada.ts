import type { CallingHoursDataset, TimeWindow } from "../rules-schema.js";

const weekday: TimeWindow[] = [{ start: "09:00", end: "21:30" }];
const weekend: TimeWindow[] = [{ start: "10:00", end: "18:00" }];

/** CRTC Unsolicited Telecommunications Rules, Telemarketing Rules, hours. Provinces may be stricter. */
export const canadaHours: CallingHoursDataset = {
  id: "canada",
  version: "2026.11.28",
  effectiveFrom: "2026-11-28",
  sources: ["CRTC Unsolicited Telecommunications Rules, Part III (Telemarketing Rules) s. 33"],
  notes: [
    "Provincial rules (stricter in places) are not encoded; the national rule applies in every province.",
  ],
  rules: [
    {
      jurisdiction: "CA",
      days: {
        sun: weekend,
        mon: weekday,
        tue: weekday,
        wed: weekday,
        thu: weekday,
        fri: weekday,
        sat: weekend,
      },
      statutory: true,
      verified: true,
      sources: [
        "northerntel.ca (CRTC rules summary)",
        "vicifast.com/blog/canada-calling-times-and-record-keeping",
      ],
    },
  ],
};
