import { maskEmail, maskPhone } from "./mask.js";

/** Keys whose string values are phone numbers or emails whatever they look like. */
const phoneFields = new Set([
  "phone",
  "altPhones",
  "toNumber",
  "fromNumber",
  "mobilePhone",
  "MobilePhone",
  "Phone",
]);
const emailFields = new Set(["email", "Email"]);

/**
 * Phone numbers by shape: E.164 (`+14155550123`), NANP with separators (`(415) 555-0123`,
 * `415.555.0123`, `1-415-555-0123`) and bare NANP ten digits (area code and exchange 2-9, so epoch
 * seconds and small ids do not match). Digits glued to letters (CRM ids) never match.
 */
const phonePattern =
  /(?<![\w+])(?:\+[1-9]\d{7,14}|(?:\+?1[\s.-])?\(?[2-9]\d{2}\)?[\s.-]?[2-9]\d{2}[\s.-]\d{4}|[2-9]\d{2}[2-9]\d{6})(?!\w)/g;
const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** Mask every phone number and email inside free text (messages, error texts, notes). */
export function maskText(text: string): string {
  if (text.length < 7) return text;
  return text.replace(emailPattern, maskEmail).replace(phonePattern, (match) => maskPhone(match));
}

const maxDepth = 8;

/**
 * A copy of a log object with phones and emails masked: by field name (any string under `phone`,
 * `email`…, arrays included) and by value shape in every string, at any depth, in arrays and in
 * errors (message, stack, cause). Unchanged branches are shared, not copied.
 */
export function maskPii(value: unknown, field?: string, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") {
    if (field !== undefined && phoneFields.has(field)) return maskPhone(value);
    if (field !== undefined && emailFields.has(field)) return maskEmail(value);
    return maskText(value);
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= maxDepth || seen.has(value)) return "[masked: too deep]";
  seen.add(value);
  if (value instanceof Error) return maskError(value, depth, seen);
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const masked = maskPii(item, field, depth + 1, seen);
      if (masked !== item) changed = true;
      return masked;
    });
    return changed ? out : value;
  }
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const masked = maskPii(item, key, depth + 1, seen);
    if (masked !== item) {
      out ??= { ...(value as Record<string, unknown>) };
      Object.defineProperty(out, key, {
        value: masked,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return out ?? value;
}

/** An error as pino would print it (type, message, stack, own fields, cause), masked. */
function maskError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(error)) {
    const value = maskPii(item, key, depth + 1, seen);
    Object.defineProperty(own, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return {
    type: error.name,
    ...own,
    message: maskText(error.message),
    ...(error.stack ? { stack: maskText(error.stack) } : {}),
    ...(error.cause !== undefined ? { cause: maskPii(error.cause, "cause", depth + 1, seen) } : {}),
  };
}
