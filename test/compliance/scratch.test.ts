import { test } from "vitest";
import { campaignCompliancePolicySchema, defaultRuleSet, gate, resolveLocation } from "../../src/compliance/index.js";

test("scratch", () => {
  for (const phone of ["+12083451234", "+12087651234", "+18502001234", "+18505551234", "+18002345678", "+14165551234", "+447400123456", "+61412345678", "+61292345678", "+17875551234"]) {
    console.log(phone, JSON.stringify(resolveLocation({ phone })));
  }
  console.log(JSON.stringify(resolveLocation({ phone: "+13055550123", country: "US", region: "NY", postalCode: "10001" })));
  const campaign = campaignCompliancePolicySchema.parse({});
  const snap = new Date("2026-11-20T00:00:00Z").toISOString();
  const reg = { US: { listed: false, snapshotAt: snap }, CA: { listed: false, snapshotAt: snap }, GB: { listed: false, snapshotAt: snap }, AU: { listed: false, snapshotAt: snap } };
  for (const now of ["2026-11-28T12:00:00Z", "2026-11-29T15:00:00Z", "2026-11-28T03:00:00Z"]) {
    for (const phone of ["+13055550123", "+12055550123", "+14165551234", "+61292345678", "+447400123456"]) {
      const d = gate({ lead: { phone }, campaign, policy: defaultRuleSet(), history: { attempts: [] }, suppression: { internalDnc: false, registries: reg }, now: new Date(now) });
      const { location, ...rest } = d;
      console.log(now, phone, JSON.stringify(rest));
    }
  }
});
