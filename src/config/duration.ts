import { z } from "zod";

const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "250ms", "30s", "5m", "2h", "1d" or a number of milliseconds → milliseconds. */
export const durationSchema = z
  .union([z.number().int().nonnegative(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === "number") return value;
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(value.trim());
    if (!match) {
      ctx.addIssue({
        code: "custom",
        message: `expected a duration like "30s", "5m", "2h", "1d" or milliseconds, found "${value}"`,
      });
      return z.NEVER;
    }
    return Math.round(Number(match[1]) * (units[match[2] as string] as number));
  });
