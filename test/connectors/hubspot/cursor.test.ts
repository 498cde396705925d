import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeIdSet,
  encodeIdSet,
  parseCursor,
  searchCursorSchema,
} from "../../../connectors/hubspot/cursor.js";

describe("id set encoding", () => {
  it("round-trips any set of numeric ids", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 999_999_999_999_999 })), (numbers) => {
        const ids = numbers.map(String);
        expect(decodeIdSet(encodeIdSet(ids))).toEqual(new Set(ids));
      }),
    );
  });

  it("falls back to JSON for non-numeric ids", () => {
    const ids = ["abc", "12", "x-1"];
    expect(encodeIdSet(ids).startsWith("j:")).toBe(true);
    expect(decodeIdSet(encodeIdSet(ids))).toEqual(new Set(ids));
  });

  it("is compact: 10,000 HubSpot-like ids in under 5 characters each", () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => String(51_000_000_000 + i * 37));
    expect(encodeIdSet(ids).length / ids.length).toBeLessThan(5);
  });
});

describe("parseCursor", () => {
  it("treats undefined as a first pull and rejects another kind's cursor", () => {
    expect(parseCursor(searchCursorSchema, undefined, "search")).toBeUndefined();
    expect(() => parseCursor(searchCursorSchema, { v: 1, kind: "list" }, "search")).toThrow(
      /Invalid HubSpot search cursor/,
    );
  });
});
