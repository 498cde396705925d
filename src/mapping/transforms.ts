import { type CountryCode, type PhoneNumber, parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { Transform } from "../config/schema.js";

export type Scalar = string | number | boolean | null;
export type TransformResult = { ok: true; value: Scalar } | { ok: false; problem: string };

const truthy = new Set(["true", "1", "yes", "y", "on"]);
const falsy = new Set(["false", "0", "no", "n", "off", ""]);

/** A number written in any common format, parsed, if valid; `defaultCountry` reads national numbers. */
export function parsePhone(input: string, defaultCountry: string): PhoneNumber | undefined {
  const parsed = parsePhoneNumberFromString(input, { defaultCountry: defaultCountry as CountryCode });
  return parsed?.isValid() ? parsed : undefined;
}

/** How `mapRecord` parses numbers (a test counts the calls through its own). */
export type PhoneParser = typeof parsePhone;

/** E.164 for a number written in any common format; `defaultCountry` reads national numbers. */
export function toE164(input: string, defaultCountry: string): string | undefined {
  return parsePhone(input, defaultCountry)?.number;
}

function titleCase(text: string): string {
  return text
    .toLowerCase()
    .replace(/(^|[\s'-])(\p{L})/gu, (_m, sep: string, letter: string) => sep + letter.toUpperCase());
}

/** Apply one transform to a non-empty value. Pure. */
export function applyTransform(transform: Transform, value: Scalar, defaultCountry: string): TransformResult {
  if (value === null) return { ok: true, value };
  switch (transform) {
    case "trim":
      return { ok: true, value: typeof value === "string" ? value.trim() : value };
    case "lower":
      return { ok: true, value: String(value).toLowerCase() };
    case "upper":
      return { ok: true, value: String(value).toUpperCase() };
    case "title":
      return { ok: true, value: titleCase(String(value)) };
    case "digits":
      return { ok: true, value: String(value).replace(/\D/g, "") };
    case "boolean": {
      if (typeof value === "boolean") return { ok: true, value };
      const text = String(value).trim().toLowerCase();
      if (truthy.has(text)) return { ok: true, value: true };
      if (falsy.has(text)) return { ok: true, value: false };
      return { ok: false, problem: `"${value}" is not a yes/no value` };
    }
    case "phone": {
      const e164 = toE164(String(value), defaultCountry);
      return e164
        ? { ok: true, value: e164 }
        : { ok: false, problem: `"${value}" is not a valid phone number` };
    }
  }
}
