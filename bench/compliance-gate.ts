// Compliance gate throughput: decisions per second on a mix of US, CA, GB and AU leads (pure
// function, no I/O, no sandbox). Baseline, same inputs, same run: parsing each lead's number with
// libphonenumber-js (`parsePhoneNumberFromString`), the least any location-aware decision must do;
// the ratio says how many parses one decision costs.
//   npm run build && node build/bench/compliance-gate.js      (or: node build/bench/run.js gate)

import { parsePhoneNumberFromString } from "libphonenumber-js";
import {
  campaignCompliancePolicySchema,
  defaultRuleSet,
  type GateInput,
  gate,
} from "../src/compliance/index.js";
import { type BenchResult, compare, isMain } from "./support/common.js";

let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const prefixes = [
  "+1305",
  "+1212",
  "+1208",
  "+1850",
  "+1205",
  "+1601",
  "+1512",
  "+1702",
  "+1416",
  "+1604",
  "+1800",
];
const others = ["+4420", "+447400", "+612", "+618", "+614"];
const addresses = [
  {},
  { country: "US", region: "NY" },
  { country: "US", region: "FL", postalCode: "32501" },
  {},
];
const policy = defaultRuleSet();
const campaigns = [
  campaignCompliancePolicySchema.parse({}),
  campaignCompliancePolicySchema.parse({
    callingHours: [{ start: "10:00", end: "19:00" }],
    unknownLocation: "allow-federal-only",
  }),
];
const registriesAt = (now: Date) => {
  const snapshotAt = new Date(now.getTime() - 86_400_000).toISOString();
  return Object.fromEntries(["US", "CA", "GB", "AU"].map((c) => [c, { listed: false, snapshotAt }]));
};
const start = Date.parse("2026-01-01T00:00:00Z");

function makeInputs(count: number, leads: number, days = 14): GateInput[] {
  const pool = Array.from({ length: leads }, () => {
    const us = random() < 0.7;
    const prefix = us ? pick(prefixes) : pick(others);
    const digits = String(Math.floor(random() * 1e9)).padStart(9, "0");
    const phone = `${prefix}${us ? "55501" : ""}${digits}`.slice(
      0,
      prefix.startsWith("+1") ? 12 : prefix.startsWith("+44") ? 13 : 12,
    );
    return { phone, ...(us ? pick(addresses) : {}) };
  });
  return Array.from({ length: count }, (): GateInput => {
    const now = new Date(start + Math.floor(random() * days * 86_400_000));
    const attempts =
      random() < 0.2
        ? [
            new Date(now.getTime() - 3_600_000),
            new Date(now.getTime() - 7_200_000),
            new Date(now.getTime() - 9_000_000),
          ]
        : [];
    return {
      lead: pick(pool),
      campaign: pick(campaigns),
      policy,
      history: { attempts },
      suppression: { internalDnc: false, registries: registriesAt(now) },
      now,
    };
  });
}

function run(label: string, inputs: readonly GateInput[]): number {
  const counts: Record<string, number> = { allow: 0, wait: 0, block: 0 };
  const t0 = performance.now();
  for (const input of inputs) {
    const d = gate(input);
    counts[d.decision] = (counts[d.decision] ?? 0) + 1;
  }
  const ms = performance.now() - t0;
  const perSecond = Math.round(inputs.length / (ms / 1000));
  console.log(
    `${label}: ${inputs.length} decisions in ${ms.toFixed(0)} ms = ${perSecond.toLocaleString("en-US")} decisions/s ` +
      `(${((ms * 1000) / inputs.length).toFixed(1)} µs each; allow ${counts.allow}, wait ${counts.wait}, block ${counts.block})`,
  );
  return perSecond;
}

/** The three runs, in this order (the inputs come from one seeded generator, so they are the same every time). */
/** Baseline: one libphonenumber-js parse per input (country and national number), decisions/s alike. */
function parseOnly(inputs: readonly GateInput[]): number {
  let valid = 0;
  const t0 = performance.now();
  for (const input of inputs) if (parsePhoneNumberFromString(input.lead.phone)?.country) valid++;
  const ms = performance.now() - t0;
  const perSecond = Math.round(inputs.length / (ms / 1000));
  console.log(
    `baseline: ${inputs.length} libphonenumber parses in ${ms.toFixed(0)} ms = ${perSecond.toLocaleString("en-US")}/s (${valid} with a country)`,
  );
  return perSecond;
}

export function gateBench(): BenchResult {
  seed = 42;
  const coldInputs = makeInputs(20_000, 20_000);
  const parses = parseOnly(coldInputs);
  const cold = run("cold: 20,000 distinct leads (location parsed once each)", coldInputs);
  const warm = run("warm: 100,000 decisions over 2,000 leads", makeInputs(100_000, 2_000));
  const spread = run(
    "spread: 20,000 distinct leads, instants over two years",
    makeInputs(20_000, 20_000, 730),
  );
  return {
    name: "compliance gate",
    command: "node build/bench/compliance-gate.js",
    sandbox: "none (pure function)",
    layout: "gate() in the benchmark process, one thread",
    figures: {
      "cold decisions/s (20k distinct leads)": cold,
      "warm decisions/s (100k over 2k leads)": warm,
      "spread decisions/s (20k leads, 2 years)": spread,
      "baseline libphonenumber parses/s (the cold inputs)": parses,
    },
    clock:
      "each input carries its own instant (2026-01-01 + up to 14 days, or 2 years for spread): the gate is pure",
    comparisons: [
      compare({
        figure: "cold gate decisions/s (20k distinct leads)",
        unit: "decisions/s",
        value: cold,
        baseline: "libphonenumber-js parse of the same numbers (/s)",
        baselineValue: parses,
        better: "higher",
      }),
    ],
    notes: [],
  };
}

if (isMain(import.meta.url)) gateBench();
