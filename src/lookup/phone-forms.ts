import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { PhoneQuery } from "../../connectors/types.js";

/**
 * The number in every form a CRM record commonly stores it (E.164, international, national, digits
 * with and without the country code, dashed), for searches that match stored strings exactly.
 * `undefined` when the input is not a valid number. Pure.
 */
export function phoneQuery(input: string, defaultCountry: string): PhoneQuery | undefined {
  const parsed = parsePhoneNumberFromString(input, { defaultCountry: defaultCountry as CountryCode });
  if (!parsed?.isValid()) return undefined;
  const national = parsed.nationalNumber;
  const forms = new Set<string>([
    parsed.number,
    parsed.formatInternational(),
    parsed.formatNational(),
    national,
    `${parsed.countryCallingCode}${national}`,
    parsed
      .formatNational()
      .replace(/[^\d]+/g, "-")
      .replace(/^-|-$/g, ""),
    `+${parsed.countryCallingCode} ${national}`,
  ]);
  return { e164: parsed.number, nationalDigits: national, forms: [...forms] };
}
