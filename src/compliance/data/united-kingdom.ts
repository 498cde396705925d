import type { CallingHoursDataset, TimeWindow } from "../rules-schema.js";

const daily: TimeWindow[] = [{ start: "08:00", end: "21:00" }];

/**
 * The UK has no statutory calling hours (PECR regulates consent and TPS, not time of day).
 * 08:00–21:00 every day is a conservative default, in line with the US federal window and common
 * UK practice; campaigns narrow it further if they wish.
 */
export const unitedKingdomHours: CallingHoursDataset = {
  id: "united-kingdom",
  version: "2026.11.28",
  effectiveFrom: "2026-11-28",
  sources: [
    "research notes §3: no statutory calling hours found (PECR reg. 21; Ofcom persistent misuse policy)",
  ],
  rules: [
    {
      jurisdiction: "GB",
      days: { sun: daily, mon: daily, tue: daily, wed: daily, thu: daily, fri: daily, sat: daily },
      statutory: false,
      verified: true,
      sources: ["telesync default: 08:00-21:00 local, every day"],
      note: "Industry default, not law.",
    },
  ],
};
