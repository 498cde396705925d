import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * `src/queues/due-index.ts` releases due holds with its own script, a copy of BullMQ 6.7.0's
 * promotion of delayed jobs (wait list or prioritized set, priority score, `waiting` event, `delay`
 * 0, base marker). It stays correct only while BullMQ keeps that shape: these are the digests of the
 * BullMQ scripts it was checked against. When this fails after a BullMQ upgrade, read the new
 * scripts, bring `releaseScript` in line, and record the new digests here.
 */
const checkedAgainst: Record<string, string> = {
  "promoteDelayedJobs.lua": "589b54b638e2c7f81b3815c40ac7b4f509b4d842f0823dcfea4c3346920bc3c4",
  "addBaseMarkerIfNeeded.lua": "bbdfb3922acec0e812a1f99988160bb7faab8099bf402d3cfc2dc96f81b6c00f",
  "getPriorityScore.lua": "2543a3e682c15d9d8466b633aeb3a6d54a813ec23b5aa7aaf636457d62610206",
};

const includes = join(dirname(createRequire(import.meta.url).resolve("bullmq")), "commands", "includes");

describe("the due release's copy of BullMQ's promotion", () => {
  it.each(Object.keys(checkedAgainst))("BullMQ's %s is the one the copy was checked against", (file) => {
    const digest = createHash("sha256")
      .update(readFileSync(join(includes, file)))
      .digest("hex");
    expect(digest, `BullMQ changed ${file}: re-check releaseScript in src/queues/due-index.ts`).toBe(
      checkedAgainst[file],
    );
  });
});
