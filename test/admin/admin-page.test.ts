import { existsSync, mkdirSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKey, eventually, type Harness, outcomeBody, startHarness } from "../support/harness.js";

/** Debian's chromium (installed by .ci/run); no browser download is possible or wanted. */
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Screenshots of every page, kept as test artefacts (not committed). */
const artefacts = new URL("../../test-artifacts/admin/", import.meta.url).pathname;
// Tuesday 2026-12-01 20:00 UTC = 15:00 in New York, 12:00 in Los Angeles, 10:00 in Honolulu: every
// US zone is inside the federal 08:00–21:00 window, so what the gate decides does not depend on when
// the test runs.
const clock = new Date("2026-12-01T20:00:00Z");

interface LeaseBody {
  leaseId: string;
  lead: { key: string; crmId: string; phone: string };
}

describe("admin page in a real browser", () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let retried: LeaseBody;
  let dead: LeaseBody;

  beforeAll(async () => {
    if (!existsSync(chromiumPath))
      throw new Error(`no Chromium at ${chromiumPath}: apt-get install chromium (see .ci/run)`);
    mkdirSync(artefacts, { recursive: true });
    h = await startHarness({ leads: 30, compliance: true, now: () => clock });
    // Three calls with hand-known results: 2 connected, 1 no answer (retried in 1 h), and one whose
    // lead is deleted in the CRM before writeback (a dead letter).
    const lease = async () => (await (await h.call("POST", "/v1/campaigns/q4/leases")).json()) as LeaseBody;
    for (const id of ["c1", "c2"]) {
      const leased = await lease();
      await h.call("POST", `/v1/leases/${leased.leaseId}/outcome`, outcomeBody(`admin-${id}`));
    }
    retried = await lease();
    await h.call(
      "POST",
      `/v1/leases/${retried.leaseId}/outcome`,
      outcomeBody("admin-na", { disposition: "no_answer" }),
    );
    dead = await lease();
    h.sandbox.salesforce.delete("Lead", dead.lead.crmId);
    await h.call(
      "POST",
      `/v1/leases/${dead.leaseId}/outcome`,
      outcomeBody("admin-dead", { disposition: "no_answer" }),
    );
    await eventually(async () => (await h.service.deadLetters.count()) === 1, 30_000, "dead letter");
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const shot = (name: string) => page.screenshot({ path: `${artefacts}${name}.png`, fullPage: true });

  it("refuses the JSON without an admin key or session", async () => {
    const response = await fetch(`${h.url}/v1/admin/overview`);
    expect(response.status).toBe(401);
  });

  it("signs in with an admin key (a wrong key is refused) and shows integrations, sources and campaigns", async () => {
    await page.goto(`${h.url}/admin`);
    await page.fill("#sign-in-form input[name=key]", "not-the-key");
    await page.click("#sign-in-form button");
    await expect.poll(() => page.textContent("#sign-in-error")).toContain("not an admin key");
    await shot("sign-in");
    await page.fill("#sign-in-form input[name=key]", apiKey);
    await page.click("#sign-in-form button");
    await page.waitForSelector("text=Integrations");
    const text = (await page.textContent("main")) ?? "";
    expect(text).toContain("sf");
    expect(text).toContain("salesforce");
    expect(text).toContain("leads");
    expect(text).toContain("sf → q4");
    expect(text).toContain("completed: 30 records");
    await shot("overview");
  });

  it("previews the mapping on real CRM records: raw → canonical → gate, phones masked", async () => {
    await page.goto(`${h.url}/admin#/source/leads`);
    // The overview has a "mapping preview" link too: wait for the page's own heading.
    await page.waitForSelector('h1:has-text("Mapping preview:")');
    const rows = await page.$$("main tbody tr");
    expect(rows).toHaveLength(20);
    const text = (await page.textContent("main")) ?? "";
    // Inside every US zone's calling window at the driven clock: allowed.
    expect(text).toContain("allow");
    // The full number of a lead never reaches the page.
    expect(text).not.toContain(retried.lead.phone);
    await shot("mapping-preview");
  });

  it("reports a campaign: counts, outcomes by disposition, contact rate, retries due", async () => {
    await page.goto(`${h.url}/admin#/campaign/q4`);
    await page.waitForSelector("text=Outcomes by disposition");
    const chart = await page.getAttribute(
      "section:has(h2:text('Outcomes by disposition')) svg",
      "aria-label",
    );
    // Hand count: c1, c2 connected; admin-na and admin-dead no answer.
    expect(chart).toContain("connected: 2");
    expect(chart).toContain("no_answer: 2");
    // connected / all outcomes = 2 / 4.
    expect(await page.textContent("main")).toContain("50.0%");
    expect(await page.textContent("main")).toContain(retried.lead.key);
    // no_answer retries in 1 h (the test config's policy) on telesync's clock: 20:00 + 1 h.
    const report = (await (await h.call("GET", "/v1/admin/campaigns/q4")).json()) as {
      callbacksDue: Array<{ leadKey: string; dueAt: string; attempts: number }>;
    };
    expect(report.callbacksDue).toContainEqual({
      leadKey: retried.lead.key,
      dueAt: "2026-12-01T21:00:00.000Z",
      attempts: 1,
    });
    await shot("campaign");
  });

  it("shows outcomes over time: per UTC hour and day, on telesync's clock", async () => {
    await page.goto(`${h.url}/admin#/campaign/q4`);
    await page.waitForSelector("text=Outcomes over time");
    // All four outcomes were accepted at the driven clock, 2026-12-01 20:00 UTC: one hour, one day.
    const hourly = await page.getAttribute(".over-time.hour svg", "aria-label");
    expect(hourly).toBe("2026-12-01 20:00: connected 2, no_answer 2");
    const hourRows = await page.$$eval(".over-time.hour tbody tr", (rows) =>
      rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent)),
    );
    expect(hourRows).toEqual([["2026-12-01 20:00", "4", "2", "2"]]);
    const headers = await page.$$eval(".over-time.hour thead th", (cells) => cells.map((c) => c.textContent));
    expect(headers).toEqual(["hour", "outcomes", "connected", "no_answer"]);
    const dayRows = await page.$$eval(".over-time.day tbody tr", (rows) =>
      rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent)),
    );
    expect(dayRows).toEqual([["2026-12-01", "4", "2", "2"]]);
    await page
      .locator("section:has(h2:text('Outcomes over time'))")
      .screenshot({ path: `${artefacts}campaign-over-time.png` });
  });

  it("tells a lead's story", async () => {
    await page.fill("#lead-search input", retried.lead.key);
    await page.click("#lead-search button");
    await page.waitForSelector(`text=Lead ${retried.lead.key}`);
    const placement = await page.textContent("main table tbody tr");
    expect(placement).toContain("q4");
    expect(placement).toContain("delayed");
    await shot("lead");
  });

  it("lists dead letters and discards one", async () => {
    await page.goto(`${h.url}/admin#/dead-letters`);
    await page.waitForSelector("text=Dead letters (1)");
    expect(await page.textContent("main")).toContain(dead.lead.crmId);
    await shot("dead-letters");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.click("text=discard");
    await page.waitForSelector("text=Dead letters (0)");
    expect(await h.service.deadLetters.count()).toBe(0);
  });

  it("serves the BullMQ queues through bull-board under /admin/queues", async () => {
    await page.goto(`${h.url}/admin/queues/`);
    await page.waitForSelector("text=dial-q4");
    await shot("queues");
  });

  it("a change by session cookie needs the admin header (no cross-site form can send it)", async () => {
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "telesync_admin");
    expect(session?.httpOnly).toBe(true);
    const response = await fetch(`${h.url}/v1/admin/sources/leads/sync`, {
      method: "POST",
      headers: { cookie: `telesync_admin=${session?.value}` },
    });
    expect(response.status).toBe(403);
  });
});
