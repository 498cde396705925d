import type { RegistryDataset } from "../rules-schema.js";

/** National do-not-call registries and the maximum age of the snapshot a lead was screened against. */
export const registries: RegistryDataset = {
  id: "registries",
  version: "2026.11.28",
  effectiveFrom: "2026-11-28",
  sources: ["research notes §1.2, §3"],
  rules: [
    {
      country: "US",
      name: "National Do Not Call Registry",
      maxAgeDays: 31,
      sources: ["47 CFR 64.1200(c)(2)(i)(D) safe harbor: registry version obtained ≤31 days before the call"],
      note: "Operate on 30 days; 31 is the legal edge.",
    },
    {
      country: "CA",
      name: "National DNCL",
      maxAgeDays: 31,
      sources: ["CRTC Telemarketing Rules (DNCL ≤31 days)"],
    },
    {
      country: "GB",
      name: "TPS / CTPS",
      maxAgeDays: 28,
      sources: ["PECR reg. 21 and 26: a registration binds after 28 days"],
    },
    {
      country: "AU",
      name: "Do Not Call Register",
      maxAgeDays: 30,
      sources: ["Do Not Call Register Act 2006: registration honoured within 30 days"],
      note: "⚠ 30 days read from a secondary source.",
    },
  ],
};
