import { describe, expect, it } from "vitest";
import { decodeLeaseId, encodeLeaseId } from "../../src/dialer/lease-id.js";

const token = "0f8e1c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
const raw = (text: string) => Buffer.from(text, "utf8").toString("base64url");

describe("lease ids", () => {
  it("round-trip campaign, job and token, with and without notAfter", () => {
    const plain = { campaign: "q4", jobId: "sf/Lead/00Q1", token };
    expect(decodeLeaseId(encodeLeaseId(plain))).toEqual(plain);
    // 2026-11-30T15:00:05Z
    const windowed = { ...plain, notAfter: 1_796_050_805_000 };
    expect(decodeLeaseId(encodeLeaseId(windowed))).toEqual(windowed);
  });

  it("still read ids issued before notAfter was carried (three parts)", () => {
    expect(decodeLeaseId(raw(`q4\nsf/Lead/00Q1\n${token}`))).toEqual({
      campaign: "q4",
      jobId: "sf/Lead/00Q1",
      token,
    });
  });

  it.each([
    ["a notAfter that is not a number", raw(`q4\nsf/Lead/00Q1\n${token}\nsoon`)],
    ["a negative notAfter", raw(`q4\nsf/Lead/00Q1\n${token}\n-5`)],
    ["five parts", raw(`q4\nsf/Lead/00Q1\n${token}\n1\n2`)],
    ["a token that is not a UUID", raw("q4\nsf/Lead/00Q1\nnot-a-token-at-all")],
    ["an empty campaign", raw(`\nsf/Lead/00Q1\n${token}`)],
    ["characters outside base64url", "not a lease id at all!"],
  ])("refuse %s", (_what, leaseId) => {
    expect(decodeLeaseId(leaseId)).toBeUndefined();
  });
});
