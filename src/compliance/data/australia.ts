import type { CallingHoursDataset, TimeWindow } from "../rules-schema.js";

const weekday: TimeWindow[] = [{ start: "09:00", end: "20:00" }];

/** Telecommunications (Telemarketing and Research Calls) Industry Standard 2017, calling times. */
export const australiaHours: CallingHoursDataset = {
  id: "australia",
  version: "2026.11.28",
  effectiveFrom: "2026-11-28",
  sources: [
    "donotcall.gov.au/consumers/consumer-overview/industry-standards/",
    "packleader.net.au/topic/calling-times/",
  ],
  notes: [
    "Weekend national holidays also ban the substitute weekday (conservative: substitutes vary by state).",
    "The consumer-consent exception to the calling times is not modelled.",
  ],
  rules: [
    {
      jurisdiction: "AU",
      days: {
        sun: [],
        mon: weekday,
        tue: weekday,
        wed: weekday,
        thu: weekday,
        fri: weekday,
        sat: [{ start: "09:00", end: "17:00" }],
      },
      holidays: { calendar: "AU-national", observed: "next-weekday", windows: [] },
      statutory: true,
      verified: true,
      sources: ["Telemarketing and Research Calls Industry Standard 2017, s. 11 (calling times)"],
    },
  ],
};
