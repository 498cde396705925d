import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { PhoneQuery } from "../../connectors/types.js";

/**
 * The number in every form a CRM record commonly stores it (E.164, international, national, digits
 * with and without the country code, dashed, dotted, spaced), for searches that match stored strings exactly.
 * `undefined` when the input is not a valid number. Pure.
 */
export function phoneQuery(input: string, defaultCountry: string): PhoneQuery | undefined {
  const parsed = parsePhoneNumberFromString(input, { defaultCountry: defaultCountry as CountryCode });
  if (!parsed?.isValid()) return undefined;
  const national = parsed.nationalNumber;
  const cc = parsed.countryCallingCode;
  // Digit groups as the country writes them ("415", "555", "0199"; "020", "7946", "0958"), and the
  // same groups after the country code, where the national trunk prefix is dropped.
  const groups = parsed.formatNational().match(/\d+/g) ?? [national];
  const intlGroups = parsed.formatInternational().match(/\d+/g)?.slice(1) ?? [national];
  const forms = new Set<string>([
    parsed.number,
    parsed.formatInternational(),
    parsed.formatNational(),
    national,
    `${cc}${national}`,
    `+${cc} ${national}`,
  ]);
  for (const separator of ["-", ".", " "]) {
    forms.add(groups.join(separator));
    forms.add(`+${cc}${separator}${intlGroups.join(separator)}`);
    forms.add(`${cc}${separator}${intlGroups.join(separator)}`);
  }
  if (intlGroups.length > 1) forms.add(`+${cc} (${intlGroups[0]}) ${intlGroups.slice(1).join("-")}`);
  return { e164: parsed.number, nationalDigits: national, forms: [...forms] };
}
