import type { ParsedPhone } from "./resolve-location.js";

/** libphonenumber's number types (`PhoneNumber.getType()`); `UNKNOWN` stands for its `undefined`. */
const numberTypes = new Set([
  "PREMIUM_RATE",
  "TOLL_FREE",
  "SHARED_COST",
  "VOIP",
  "PERSONAL_NUMBER",
  "PAGER",
  "UAN",
  "VOICEMAIL",
  "FIXED_LINE_OR_MOBILE",
  "FIXED_LINE",
  "MOBILE",
  "UNKNOWN",
]);

/**
 * What the location reads of a valid parsed number, in a few bytes a dial job can carry:
 * `"<E.164> <calling code> <country> <type>"`, e.g. `"+14155550100 1 US FIXED_LINE_OR_MOBILE"`.
 * A sync parses each lead's phone anyway; the lease-time gate then places the lead from this instead
 * of parsing the number again. Undefined for a number it cannot describe this way (no country:
 * non-geographic numbers), which the lease then parses as before.
 */
export function carryPhone(parsed: ParsedPhone): string | undefined {
  const { number, countryCallingCode, country, nationalNumber } = parsed;
  if (!country || number !== `+${countryCallingCode}${nationalNumber}`) return undefined;
  return `${number} ${countryCallingCode} ${country} ${parsed.getType() ?? "UNKNOWN"}`;
}

/** A carried number read back: what `resolveLocation` reads of a `PhoneNumber`, and no more. */
class CarriedPhone implements ParsedPhone {
  constructor(
    readonly number: string,
    readonly countryCallingCode: string,
    readonly country: string,
    readonly nationalNumber: string,
    private readonly type: string,
  ) {}
  getType(): string | undefined {
    return this.type === "UNKNOWN" ? undefined : this.type;
  }
}

/**
 * `carried` (a job's `carryPhone` string) as a parsed number, only when it describes `phone` itself
 * and is well formed: a job whose lead got another number since (or whose data was written by
 * anything else) gives undefined, and the caller parses `phone` as it would without it.
 */
export function readCarriedPhone(carried: unknown, phone: string): ParsedPhone | undefined {
  if (typeof carried !== "string" || !carried.startsWith(`${phone} `)) return undefined;
  const rest = carriedRest.exec(carried.slice(phone.length + 1));
  if (!rest) return undefined;
  const [, callingCode, country, type] = rest as unknown as [string, string, string, string];
  if (!numberTypes.has(type) || !phone.startsWith(`+${callingCode}`)) return undefined;
  const nationalNumber = phone.slice(1 + callingCode.length);
  if (!digits.test(nationalNumber)) return undefined;
  return new CarriedPhone(phone, callingCode, country, nationalNumber, type);
}

/** What follows the number in `carryPhone`'s form: calling code, country, type. */
const carriedRest = /^([1-9]\d{0,2}) ([A-Z]{2}) ([A-Z_]+)$/;
const digits = /^\d+$/;
