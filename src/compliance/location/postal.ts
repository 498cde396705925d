import { auPostcodeRanges, caPostalDistricts, usZipPrefixRanges } from "../data/postal-hints.js";

/** Subdivision codes (`FL`, `ON`, `NSW`) a postal code points to in `country`, or none if unknown. */
export function regionsForPostalCode(country: string, postalCode: string): readonly string[] {
  const code = postalCode.trim().toUpperCase();
  if (country === "US") {
    const zip = /^(\d{3})\d{2}(?:-?\d{4})?$/.exec(code);
    if (!zip) return [];
    const prefix = Number(zip[1]);
    const hit = usZipPrefixRanges.find(([first, last]) => prefix >= first && prefix <= last);
    return hit ? [hit[2]] : [];
  }
  if (country === "CA") {
    if (!/^[A-Z]\d[A-Z]\s?\d[A-Z]\d$/.test(code)) return [];
    return caPostalDistricts[code.charAt(0)] ?? [];
  }
  if (country === "AU") {
    if (!/^\d{4}$/.test(code)) return [];
    const n = Number(code);
    const hit = auPostcodeRanges.find(([first, last]) => n >= first && n <= last);
    return hit ? [hit[2]] : [];
  }
  return [];
}
