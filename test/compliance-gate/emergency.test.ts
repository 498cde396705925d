import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CrmSandbox, startSandbox } from "@telesync/sandbox";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import { configSchema } from "../../src/config/schema.js";
import type { Lead } from "../../src/model/lead.js";
import { createTelesync, type Telesync } from "../../src/runtime/telesync.js";
import { type ConfigInput, salesforceTestConfigInput, unscreened } from "../support/harness.js";
import { salesforceLead } from "../support/leads.js";
import { dropPrefix, redisUrl, uniquePrefix } from "../support/redis.js";
import { writeConfigFile } from "./support.js";

function lead(phone: string, region: string): Lead {
  return salesforceLead(phone, phone, { country: "US", region, modifiedAt: new Date().toISOString() });
}

// La. R.S. 45:844.31(A): no telephonic solicitation during a state of emergency declared by the
// governor. Wednesday 4 Sep 2030, 10:00 CDT; the ban runs from 07:00 CDT to Thursday 19:00 CDT.
const during = new Date("2030-09-04T15:00:00Z");
const from = "2030-09-04T12:00:00Z";
const until = "2030-09-06T00:00:00Z";

describe("Louisiana emergency bans: `telesync compliance emergency` and the gate", () => {
  let sandbox: CrmSandbox;
  let telesync: Telesync;
  let prefix: string;
  let dir: string;
  let input: ConfigInput;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0 });
    prefix = uniquePrefix();
    dir = mkdtempSync(join(tmpdir(), "telesync-emergency-"));
    input = {
      ...salesforceTestConfigInput(sandbox.url, prefix, "005000000000007AAA"),
      campaigns: { q4: { compliance: unscreened } },
    };
    telesync = createTelesync({ config: configSchema.parse(input) });
  });

  afterEach(async () => {
    await telesync.close();
    await sandbox.close();
    await dropPrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  async function cli(...args: string[]): Promise<string[]> {
    const file = writeConfigFile(dir, input);
    const lines: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    try {
      await buildProgram().parseAsync(["node", "telesync", "--config", file, ...args]);
    } finally {
      log.mockRestore();
    }
    return lines;
  }

  it("set holds leads located in Louisiana (by number or address) until the ban ends; clear lifts it", async () => {
    const leads = [lead("+15045550101", "LA"), lead("+12125550102", "LA"), lead("+13055550103", "FL")];
    expect((await telesync.compliance.decide(leads, "q4", during)).map((d) => d.decision)).toEqual([
      "allow",
      "allow",
      "allow",
    ]);

    const set = await cli(
      "compliance",
      "emergency",
      "set",
      "LA",
      "--from",
      from,
      "--until",
      until,
      "--reason",
      "Hurricane Test",
      "--by",
      "alice",
    );
    expect(set).toEqual([
      "US-LA: no solicitation calls from 2030-09-04T12:00:00.000Z until 2030-09-06T00:00:00.000Z (Hurricane Test); recorded by alice",
    ]);

    const [byNumber, byAddress, florida] = await telesync.compliance.decide(leads, "q4", during);
    expect(byNumber).toMatchObject({
      decision: "wait",
      until: new Date(until),
      rule: { id: "emergency.US-LA" },
    });
    expect(byNumber?.decision === "wait" && byNumber.reason).toContain("Hurricane Test");
    // The New York number with a Louisiana address: in its Eastern zone Louisiana's 8 p.m. close
    // falls at the ban's end, so the next call is Friday 08:00 CDT.
    expect(byAddress).toMatchObject({
      decision: "wait",
      until: new Date("2030-09-06T13:00:00Z"),
      rule: { id: "emergency.US-LA" },
    });
    expect(florida?.decision).toBe("allow");
    // Before the ban starts, a call is allowed only until it does.
    const [before] = await telesync.compliance.decide(
      [lead("+15045550101", "LA")],
      "q4",
      new Date("2030-09-04T11:00:00Z"),
    );
    expect(before).toMatchObject({ decision: "wait", until: new Date(until) }); // 06:00 CDT: before 08:00, then the ban
    const [early] = await telesync.compliance.decide(
      [lead("+15045550101", "LA")],
      "q4",
      new Date("2030-09-03T23:30:00Z"),
    );
    expect(early).toMatchObject({ decision: "allow", notAfter: new Date("2030-09-04T01:00:00Z") });

    const listed = await cli("compliance", "emergency", "list");
    expect(listed[0]).toMatch(
      /^US-LA {2}scheduled {2}from 2030-09-04T12:00:00.000Z until 2030-09-06T00:00:00.000Z {2}Hurricane Test {2}\(set by alice at /,
    );
    expect(listed).toContainEqual(
      expect.stringMatching(
        /alice {2}set US-LA from 2030-09-04T12:00:00.000Z until 2030-09-06T00:00:00.000Z {2}Hurricane Test$/,
      ),
    );

    expect(
      await cli(
        "compliance",
        "emergency",
        "clear",
        "us-la",
        "--by",
        "bob",
        "--reason",
        "declaration rescinded",
      ),
    ).toEqual(["US-LA: ban lifted by bob"]);
    expect((await telesync.compliance.decide(leads, "q4", during)).map((d) => d.decision)).toEqual([
      "allow",
      "allow",
      "allow",
    ]);
    const audit = await telesync.compliance.emergencies.audit();
    expect(
      audit.map(({ by, action, jurisdiction, reason }) => ({ by, action, jurisdiction, reason })),
    ).toEqual([
      { by: "bob", action: "clear", jurisdiction: "US-LA", reason: "declaration rescinded" },
      { by: "alice", action: "set", jurisdiction: "US-LA", reason: "Hurricane Test" },
    ]);
    expect((await cli("compliance", "emergency", "list"))[0]).toBe("no bans recorded");
  });

  it("the audit of a wait names every refusing rule, the ban first", async () => {
    await telesync.compliance.emergencies.set(
      { jurisdiction: "US-LA", until, reason: "Hurricane Test" },
      "alice",
      new Date(),
    );
    await telesync.compliance.check([lead("+15045550101", "LA")], "q4", "lease", during);
    const [record] = await telesync.compliance.decisions.read("sf/Lead/+15045550101");
    expect(record?.rule.id).toBe("emergency.US-LA");
    expect(record?.refusals?.[0]).toEqual({
      rule: { id: "emergency.US-LA", version: "operator" },
      jurisdiction: "US-LA",
      reason: "declared emergency: Hurricane Test",
      allowsAt: "2030-09-06T00:00:00.000Z",
    });
  });

  it("refuses malformed input, and fails closed on a stored ban it cannot read", async () => {
    await expect(cli("compliance", "emergency", "set", "LA", "--until", "tomorrow")).rejects.toThrow(
      /--until: expected an ISO instant/,
    );
    await expect(cli("compliance", "emergency", "set", "Louisiana", "--until", until)).rejects.toThrow(
      /expected a code like LA/,
    );
    await expect(
      cli("compliance", "emergency", "set", "LA", "--until", "2020-01-01T00:00:00Z"),
    ).rejects.toThrow(/not in the future/);
    const redis = new Redis(redisUrl());
    try {
      await redis.hset(`${prefix}:compliance:emergencies`, "US-LA", "{not json");
    } finally {
      redis.disconnect();
    }
    await expect(telesync.compliance.decide([lead("+15045550101", "LA")], "q4", during)).rejects.toThrow(
      /unreadable emergency ban for US-LA/,
    );
  });
});
