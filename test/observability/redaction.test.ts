import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { maskText } from "../../src/observability/redact-pii.js";

/** Every line a logger writes, as text (what an operator's log pipeline would receive). */
function capture(): { log: ReturnType<typeof createLogger>; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ level: "debug", destination }), text: () => chunks.join("") };
}

// Numbers from the NANP fictional range 555-01xx and example.com addresses (RFC 2606).
const digitsOf = ["4155550123", "2125550187", "6175550199", "3125550142"];

describe("log redaction by value shape and field name", () => {
  it("masks phones and emails in nested objects, arrays (altPhones) and unknown field names", () => {
    const { log, text } = capture();
    log.info(
      {
        lead: {
          key: "sf/Lead/00Q000000000001AAA",
          phone: "+14155550123",
          altPhones: ["+12125550187", "(617) 555-0199"],
          extra: { contactNumber: "312.555.0142", owner: { mail: "jane.doe@example.com" } },
        },
        batch: [{ note: "call back on +14155550123 or jane.doe@example.com" }],
      },
      "lead queued",
    );
    const out = text();
    for (const digits of digitsOf) expect(out).not.toContain(digits.slice(3));
    expect(out).not.toContain("jane.doe@");
    expect(out).toContain("sf/Lead/00Q000000000001AAA");
    expect(out).toContain("+1415"); // enough to tell numbers apart
  });

  it("masks error messages, stacks and causes, and the log message itself", () => {
    const { log, text } = capture();
    const cause = new Error("duplicate value found: Phone = 212-555-0187");
    const error = new Error("INVALID_FIELD for +14155550123 (owner jane.doe@example.com)", { cause });
    log.error({ err: error }, "write failed for 617 555 0199 / +13125550142");
    const out = text();
    expect(out).not.toMatch(/5550123|5550187|5550142|jane\.doe@/);
    expect(out).not.toContain("617 555 0199");
    expect(out).toContain("INVALID_FIELD");
    expect(out).toContain("duplicate value found");
  });

  it("leaves ids, epoch seconds, durations and ISO times alone", () => {
    const text = "job 00Q5e00000123456789 at 1764480000 took 95 s, 2026-11-28T15:04:05.000Z, hs id 51";
    expect(maskText(text)).toBe(text);
  });

  it("still removes secrets by field name", () => {
    const { log, text } = capture();
    log.info({ auth: { accessToken: "00Dxx!AQ0AQ-secret-token", refreshToken: "rt-secret" } }, "token");
    expect(text()).not.toContain("secret-token");
    expect(text()).not.toContain("rt-secret");
  });
});
