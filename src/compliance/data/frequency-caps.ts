import type { FrequencyCapDataset } from "../rules-schema.js";

/** State per-number attempt caps over a rolling window (every attempt by the seller, all campaigns). */
export const frequencyCaps: FrequencyCapDataset = {
  id: "frequency-caps",
  version: "2026.11.28",
  effectiveFrom: "2026-11-28",
  sources: ["research notes §2 frequency caps"],
  notes: ["ME (1 autodialed call per 8 h, ⚠) is not encoded: it concerns autodialed calls only."],
  rules: [
    { jurisdiction: "US-FL", maxAttempts: 3, windowHours: 24, sources: ["Fla. Stat. 501.616(6)(b)"] },
    { jurisdiction: "US-OK", maxAttempts: 3, windowHours: 24, sources: ["Okla. Stat. tit. 15 §775C.4"] },
    {
      jurisdiction: "US-MD",
      maxAttempts: 3,
      windowHours: 24,
      sources: ["Md. Stop the Spam Calls Act (Com. Law 14-4501), effective Jan 1 2024"],
      note: "Texts count too.",
    },
  ],
};
