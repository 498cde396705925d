import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { describe, expect, it } from "vitest";
import { carryPhone, readCarriedPhone, resolveLocation } from "../../src/compliance/index.js";

const parse = (phone: string) => {
  const parsed = parsePhoneNumberFromString(phone);
  if (!parsed?.isValid()) throw new Error(`test number ${phone} is not valid`);
  return parsed;
};

describe("a number's parse as a dial job carries it", () => {
  it("is the E.164 form, the calling code, the country and the type", () => {
    expect(carryPhone(parse("+14155550100"))).toBe("+14155550100 1 US FIXED_LINE_OR_MOBILE");
    expect(carryPhone(parse("+447400123456"))).toBe("+447400123456 44 GB MOBILE");
    expect(carryPhone(parse("+61298765432"))).toBe("+61298765432 61 AU FIXED_LINE");
    // No country (a non-geographic number): nothing carried, the lease parses it.
    expect(carryPhone(parse("+80012345678"))).toBeUndefined();
  });

  // US, a territory, Canada, toll-free, GB fixed and mobile, Guernsey and Jersey (+44), AU fixed and mobile,
  // Germany, France, Italy (a leading 0 in the national number), Mexico.
  const numbers = [
    "+12125550102",
    "+17875550101",
    "+14165550123",
    "+18005550199",
    "+442079460000",
    "+447400123456",
    "+447911123456",
    "+441534123456",
    "+61298765432",
    "+61412345678",
    "+4930123456",
    "+33142685300",
    "+390612345678",
    "+525512345678",
  ];
  it.each(numbers)("%s read back places the lead as the parse does", (phone) => {
    const parsed = parse(phone);
    const carried = readCarriedPhone(carryPhone(parsed), phone);
    expect(carried).toBeDefined();
    expect({
      number: carried?.number,
      countryCallingCode: carried?.countryCallingCode,
      country: carried?.country,
      nationalNumber: carried?.nationalNumber,
      type: carried?.getType(),
    }).toEqual({
      number: parsed.number,
      countryCallingCode: parsed.countryCallingCode,
      country: parsed.country,
      nationalNumber: parsed.nationalNumber,
      type: parsed.getType(),
    });
    const lead = { phone, region: "NY", country: "US" };
    expect(resolveLocation(lead, carried)).toEqual(resolveLocation(lead, parsed));
  });

  it("is not read for another number, nor when malformed", () => {
    const phone = "+12125550102";
    for (const carried of [
      undefined,
      42,
      "",
      // Another number's (the lead's phone changed since).
      "+17875550101 1 PR FIXED_LINE_OR_MOBILE",
      "+12125550102 1 US",
      "+12125550102 1 US FIXED_LINE_OR_MOBILE extra",
      "+12125550102 44 US FIXED_LINE_OR_MOBILE",
      "+12125550102 1 us FIXED_LINE_OR_MOBILE",
      "+12125550102 1 US LANDLINE",
      "+12125550102 0 US FIXED_LINE_OR_MOBILE",
    ])
      expect(readCarriedPhone(carried, phone)).toBeUndefined();
    expect(readCarriedPhone("+12125550102 1 US FIXED_LINE_OR_MOBILE", phone)?.country).toBe("US");
  });
});
