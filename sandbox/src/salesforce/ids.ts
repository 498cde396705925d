const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/**
 * The 3-character suffix that turns a case-sensitive 15-character id into Salesforce's case-insensitive
 * 18-character form: one character per 5-character chunk, encoding which positions are upper case.
 */
export function idChecksum(id15: string): string {
  let suffix = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += CHECKSUM[bits];
  }
  return suffix;
}

const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$/;

/** The 18-character form of a 15- or 18-character id, or undefined when it is not shaped like an id. */
export function toId18(id: string): string | undefined {
  if (!ID_PATTERN.test(id)) return undefined;
  const id15 = id.slice(0, 15);
  return id15 + idChecksum(id15);
}

/**
 * Makes ids that sort in creation order (fixed-width base62, where '0' < 'A' < 'a' in code points), so
 * `ORDER BY Id` and `Id > 'x'` cursors behave as they do on Salesforce.
 */
export class IdGenerator {
  private counter = 0;

  next(keyPrefix: string): string {
    this.counter += 1;
    let n = this.counter;
    let digits = "";
    for (let i = 0; i < 10; i++) {
      digits = BASE62[n % 62] + digits;
      n = Math.floor(n / 62);
    }
    const id15 = `${keyPrefix}8d${digits}`;
    return id15 + idChecksum(id15);
  }
}
