import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkImports, folderOf, formatViolation } from "../../scripts/check-imports.js";

/** Fixture trees are written per test so the checker reads real files laid out like the repository. */
const roots: string[] = [];

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "telesync-imports-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A small house that keeps every rule: the shape the real tree is meant to have. */
const cleanTree: Record<string, string> = {
  "connectors/types.ts": "export interface CrmConnector { vendor: string }\n",
  "connectors/index.ts": [
    'import { hubspot } from "./hubspot/connector.js";',
    'import { salesforce } from "./salesforce/connector.js";',
    "export const connectors = [hubspot, salesforce];",
  ].join("\n"),
  "connectors/hubspot/connector.ts": [
    'import { Client } from "@hubspot/api-client";',
    'import type { CrmConnector } from "../types.js";',
    'import { CrmError } from "../../src/errors.js";',
    "export const hubspot: CrmConnector = { vendor: String(Client) + String(CrmError) };",
  ].join("\n"),
  "connectors/salesforce/connector.ts": [
    'import jsforce from "jsforce";',
    'import type { CrmConnector } from "../types.js";',
    "export const salesforce: CrmConnector = { vendor: String(jsforce) };",
  ].join("\n"),
  "src/errors.ts": "export class CrmError extends Error {}\n",
  "src/mapping/map-record.ts": [
    'import type { CrmConnector } from "../../connectors/types.js";',
    "/** Date.now() in a comment is not a clock read. */",
    "export const at = (now: Date, c: CrmConnector) => new Date(now.getTime() + c.vendor.length);",
  ].join("\n"),
  "src/compliance/gate.ts": 'import { at } from "../mapping/map-record.js";\nexport const gate = at;\n',
  "src/queues/dial-queue.ts": 'import { Queue } from "bullmq";\nexport const q = Queue;\n',
  "src/runtime/telesync.ts": [
    'import { connectors } from "../../connectors/index.js";',
    'import { q } from "../queues/dial-queue.js";',
    'import { gate } from "../compliance/gate.js";',
    "export const telesync = { connectors, q, gate, started: Date.now() };",
  ].join("\n"),
  "src/demo/load-sandbox.ts": [
    'export type SandboxModule = typeof import("@telesync/sandbox");',
    'export const loadSandbox = () => import("@telesync/sandbox");',
  ].join("\n"),
};

describe("check-imports: the layout rules on small trees", () => {
  it("finds nothing in a tree that keeps the rules", () => {
    expect(checkImports(tree(cleanTree))).toEqual([]);
  });

  it("reports each broken rule once, at the file and line of the import", () => {
    const root = tree({
      ...cleanTree,
      // core → vendor SDK, core → a vendor's folder
      "src/sync/pull.ts": [
        "// pulls",
        'import jsforce from "jsforce";',
        'import { hubspot } from "../../connectors/hubspot/connector.js";',
        "export const pull = [jsforce, hubspot];",
      ].join("\n"),
      // connector → another connector
      "connectors/salesforce/shared.ts": 'export { hubspot } from "../hubspot/connector.js";\n',
      // pure stage → Redis, HTTP, queues; and clock reads
      "src/compliance/hours.ts": [
        'import { Redis } from "ioredis";',
        'import { request } from "node:http";',
        'import type { q } from "../queues/dial-queue.js";',
        "export const hours = (x: typeof q) => [Redis, request, x, Date.now(), new Date(), performance.now()];",
      ].join("\n"),
      // product → dev code, statically
      "src/cli/sandbox.ts": [
        'import { startSandbox } from "@telesync/sandbox";',
        'import { seed } from "../../test/support/seed.js";',
        "export const start = [startSandbox, seed];",
      ].join("\n"),
      "test/support/seed.ts": "export const seed = 1;\n",
      // a dynamic sandbox import outside the one loader is still dev code in the product
      "src/api/server.ts": 'export const load = () => import("@telesync/sandbox");\n',
    });
    expect(checkImports(root).map(formatViolation)).toEqual([
      expect.stringMatching(/^connectors\/salesforce\/shared\.ts:1 connector-imports-connector: /),
      expect.stringMatching(/^src\/api\/server\.ts:1 product-imports-dev-code: /),
      expect.stringMatching(/^src\/cli\/sandbox\.ts:1 product-imports-dev-code: @telesync\/sandbox /),
      expect.stringMatching(/^src\/cli\/sandbox\.ts:2 product-imports-dev-code: test\/support\/seed\.ts /),
      expect.stringMatching(
        /^src\/compliance\/hours\.ts:1 pure-stage-imports-io: src\/compliance imports ioredis/,
      ),
      expect.stringMatching(
        /^src\/compliance\/hours\.ts:2 pure-stage-imports-io: src\/compliance imports node:http/,
      ),
      expect.stringMatching(/^src\/compliance\/hours\.ts:3 pure-stage-imports-io: .*src\/queues/),
      expect.stringMatching(/^src\/compliance\/hours\.ts:4 pure-stage-reads-clock: Date\.now\(\)/),
      expect.stringMatching(/^src\/compliance\/hours\.ts:4 pure-stage-reads-clock: new Date\(\)/),
      expect.stringMatching(/^src\/compliance\/hours\.ts:4 pure-stage-reads-clock: performance\.now\(\)/),
      expect.stringMatching(/^src\/sync\/pull\.ts:2 core-imports-vendor-sdk: jsforce/),
      expect.stringMatching(
        /^src\/sync\/pull\.ts:3 core-imports-vendor-folder: connectors\/hubspot\/connector\.ts/,
      ),
    ]);
  });

  it("reports a circle between folders on every import that closes it, type-only ones included", () => {
    const root = tree({
      ...cleanTree,
      "src/sync/run-sync.ts": 'import { lease } from "../dialer/lease.js";\nexport const sync = lease;\n',
      "src/dialer/lease.ts":
        'import type { telesync } from "../runtime/telesync.js";\nexport const lease = 1;\n',
      "src/runtime/builder.ts": 'import { sync } from "../sync/run-sync.js";\nexport const build = sync;\n',
    });
    const cycle = "(circle: src/dialer, src/runtime, src/sync)";
    expect(checkImports(root).map(formatViolation)).toEqual([
      `src/dialer/lease.ts:1 folder-cycle: src/dialer → src/runtime ${cycle}`,
      `src/runtime/builder.ts:1 folder-cycle: src/runtime → src/sync ${cycle}`,
      `src/sync/run-sync.ts:1 folder-cycle: src/sync → src/dialer ${cycle}`,
    ]);
  });

  it("treats files at the top of src/ and connectors/ as their own nodes, subfolders as their stage", () => {
    expect(folderOf("src/errors.ts")).toBe("src/errors.ts");
    expect(folderOf("connectors/types.ts")).toBe("connectors/types.ts");
    expect(folderOf("src/compliance/location/postal.ts")).toBe("src/compliance");
    expect(folderOf("connectors/hubspot/write.ts")).toBe("connectors/hubspot");
  });
});
