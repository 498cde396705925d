// The admin page: plain ES modules, no build step. Every value from the server is inserted as text
// (textContent), never as HTML, so CRM data cannot inject markup.
import { el, svgEl, table } from "./dom.js";
import { overTimeSection } from "./over-time.js";

const view = document.getElementById("view");

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { "content-type": "application/json", "x-telesync-admin": "1", ...(options.headers ?? {}) },
    credentials: "same-origin",
  });
  if (response.status === 401) throw new Unauthorized();
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body?.message ?? `${response.status}`);
  return body;
}

/** Horizontal bars: one row per [label, value]. */
function bars(entries, { width = 520, unit = "" } = {}) {
  const rowHeight = 22;
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const svg = svgEl("svg", {
    width,
    height: Math.max(rowHeight, entries.length * rowHeight),
    role: "img",
    "aria-label": entries.map(([k, v]) => `${k}: ${v}${unit}`).join(", "),
  });
  entries.forEach(([label, value], i) => {
    const y = i * rowHeight;
    svg.append(svgEl("text", { x: 0, y: y + 15 }, label));
    svg.append(
      svgEl("rect", { x: 200, y: y + 4, height: 14, width: ((width - 260) * value) / max, fill: "#4c7bd9" }),
    );
    svg.append(svgEl("text", { x: 205 + ((width - 260) * value) / max, y: y + 15 }, `${value}${unit}`));
  });
  return svg;
}

const when = (iso) => (iso ? new Date(iso).toLocaleString() : "—");

async function overview() {
  const data = await api("/v1/admin/overview");
  return [
    el(
      "section",
      { class: "card" },
      el("h1", {}, "Integrations"),
      table(
        ["integration", "vendor", "writeback waiting", "in flight", "retrying", "pause"],
        data.integrations.map((i) => [
          i.id,
          i.vendor,
          i.writeback.waiting ?? 0,
          i.writeback.active ?? 0,
          i.writeback.delayed ?? 0,
          i.pause
            ? el("span", { class: "warn" }, `paused until ${when(i.pause.until)}: ${i.pause.reason}`)
            : el("span", { class: "ok" }, "running"),
        ]),
      ),
    ),
    el(
      "section",
      { class: "card" },
      el("h1", {}, "Sources"),
      table(
        ["source", "integration → campaign", "every", "last run", "result", "", ""],
        data.sources.map((s) => [
          s.id,
          `${s.integration} → ${s.campaign}`,
          s.every ?? "on demand",
          s.lastRun ? when(s.lastRun.finishedAt) : "never",
          s.lastRun
            ? el(
                "span",
                { class: s.lastRun.outcome === "completed" ? "ok" : "bad" },
                `${s.lastRun.outcome}: ${s.lastRun.records} records, +${s.lastRun.added} queued, ${s.lastRun.held} held, ${s.lastRun.blocked} blocked, ${s.lastRun.skipped} skipped${s.lastRun.error ? ` — ${s.lastRun.error}` : ""}`,
              )
            : "",
          el("a", { href: `#/source/${encodeURIComponent(s.id)}` }, "mapping preview"),
          el(
            "button",
            {
              "data-sync": s.id,
              onclick: async (e) => {
                e.target.disabled = true;
                await api(`/v1/admin/sources/${encodeURIComponent(s.id)}/sync`, { method: "POST" });
                e.target.textContent = "sync queued";
              },
            },
            "sync now",
          ),
        ]),
      ),
    ),
    el(
      "section",
      { class: "card" },
      el("h1", {}, "Campaigns"),
      table(
        ["campaign", "waiting", "held", "leased", "done", ""],
        data.campaigns.map((c) => [
          c.id,
          c.waiting,
          c.held,
          c.leased,
          c.done,
          el("a", { href: `#/campaign/${encodeURIComponent(c.id)}` }, "report"),
        ]),
      ),
    ),
  ];
}

async function sourcePreview(id) {
  const data = await api(`/v1/admin/sources/${encodeURIComponent(id)}/preview?limit=20`);
  return [
    el(
      "section",
      { class: "card" },
      el("h1", {}, `Mapping preview: ${data.source} → ${data.campaign}`),
      el(
        "p",
        {},
        `${data.rows.length} records read from the CRM now; gate decisions at ${when(data.decidedAt)}. Nothing is written.`,
      ),
      table(
        ["CRM record", "canonical lead", "gate"],
        data.rows.map((row) => [
          el(
            "pre",
            { class: "mono" },
            `${row.raw.objectType} ${row.raw.id}\n${JSON.stringify(row.raw.fields, null, 1)}`,
          ),
          row.problems
            ? el("span", { class: "bad" }, `not mapped: ${row.problems.join("; ")}`)
            : el(
                "pre",
                { class: "mono" },
                JSON.stringify(
                  {
                    key: row.lead.key,
                    phone: row.lead.phone,
                    name: [row.lead.firstName, row.lead.lastName].filter(Boolean).join(" "),
                    timeZone: row.lead.timeZone,
                    region: row.lead.region,
                  },
                  null,
                  1,
                ),
              ),
          row.decision ? el("span", { class: `pill ${row.decision.decision}` }, row.decision.text) : "",
        ]),
      ),
    ),
  ];
}

async function campaignReport(id) {
  const r = await api(`/v1/admin/campaigns/${encodeURIComponent(id)}`);
  const stat = (label, value) => el("div", { class: "stat" }, el("b", {}, value), label);
  return [
    el(
      "section",
      { class: "card" },
      el("h1", {}, `Campaign ${r.campaign}`),
      el("p", {}, r.description),
      el(
        "div",
        { class: "grid" },
        stat("waiting", r.waiting),
        stat("held", r.held),
        stat("leased", r.leased),
        stat("done", r.done),
        stat("contact rate", r.contactRate === null ? "—" : `${(r.contactRate * 100).toFixed(1)}%`),
      ),
    ),
    el(
      "section",
      { class: "card" },
      el("h2", {}, "Outcomes by disposition"),
      Object.keys(r.outcomesByDisposition).length
        ? bars(Object.entries(r.outcomesByDisposition))
        : el("p", {}, "no outcomes yet"),
    ),
    overTimeSection(r.overTime),
    el(
      "section",
      { class: "card" },
      el("h2", {}, `Held leads by rule (${r.heldSampled} read)`),
      Object.keys(r.heldByRule).length ? bars(Object.entries(r.heldByRule)) : el("p", {}, "no held leads"),
    ),
    el(
      "section",
      { class: "card" },
      el("h2", {}, "Attempts per held lead"),
      bars(Object.entries(r.attemptsPerHeldLead).map(([n, count]) => [`${n} attempts`, count])),
    ),
    el(
      "section",
      { class: "card" },
      el("h2", {}, "Retries and callbacks due"),
      table(
        ["lead", "due", "attempts"],
        r.callbacksDue.map((c) => [
          el("a", { href: `#/lead/${encodeURIComponent(c.leadKey)}` }, c.leadKey),
          when(c.dueAt),
          c.attempts,
        ]),
      ),
    ),
  ];
}

async function leadStory(key) {
  const s = await api(`/v1/admin/leads/${encodeURIComponent(key)}`);
  return [
    el(
      "section",
      { class: "card" },
      el("h1", {}, `Lead ${s.leadKey}`),
      s.placements.length
        ? table(
            ["campaign", "state", "attempts", "phone", "queued", "finished", "result"],
            s.placements.map((p) => [
              p.campaign,
              p.state,
              p.attempts,
              p.lead.phone,
              when(p.queuedAt),
              when(p.finishedAt),
              p.result ? JSON.stringify(p.result) : "",
            ]),
          )
        : el("p", {}, "not in any campaign queue"),
    ),
    el(
      "section",
      { class: "card" },
      el("h2", {}, "Compliance decisions (newest first)"),
      s.decisions.length
        ? table(
            ["at", "stage", "campaign", "decision", "reason", "zones"],
            s.decisions.map((d) => [
              when(d.at),
              d.stage,
              d.campaign,
              el(
                "span",
                { class: `pill ${d.decision}` },
                d.decision + (d.until ? ` until ${when(d.until)}` : ""),
              ),
              d.reason,
              (d.zones ?? []).join(", "),
            ]),
          )
        : el("p", {}, "no hold or block recorded"),
    ),
  ];
}

async function deadLetters() {
  const d = await api("/v1/admin/dead-letters");
  return [
    el(
      "section",
      { class: "card" },
      el("h1", {}, `Dead letters (${d.count})`),
      d.entries.length
        ? table(
            ["failed", "lead", "what", "error", "", ""],
            d.entries.map((e) => [
              when(e.failedAt),
              e.lead,
              `${e.kind} ${e.what}`,
              `${e.error.kind}: ${e.error.reason}`,
              el(
                "button",
                {
                  onclick: async () => {
                    await api(`/v1/admin/dead-letters/${encodeURIComponent(e.id)}/replay`, {
                      method: "POST",
                    });
                    route();
                  },
                },
                "replay",
              ),
              el(
                "button",
                {
                  onclick: async () => {
                    if (confirm("Discard this write for good?")) {
                      await api(`/v1/admin/dead-letters/${encodeURIComponent(e.id)}`, { method: "DELETE" });
                      route();
                    }
                  },
                },
                "discard",
              ),
            ]),
          )
        : el("p", { class: "ok" }, "nothing the CRM refused"),
    ),
  ];
}

function signIn() {
  const form = document.getElementById("sign-in").content.cloneNode(true);
  view.replaceChildren(form);
  document.getElementById("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = new FormData(event.target).get("key");
    try {
      await api("/admin/session", { method: "POST", body: JSON.stringify({ key }) });
      route();
    } catch (error) {
      document.getElementById("sign-in-error").textContent =
        error instanceof Unauthorized ? "That key is not an admin key." : error.message;
    }
  });
}

async function route() {
  const [, page, arg] = location.hash.replace(/^#/, "").split("/");
  const id = arg ? decodeURIComponent(arg) : "";
  try {
    const parts =
      page === "source"
        ? await sourcePreview(id)
        : page === "campaign"
          ? await campaignReport(id)
          : page === "lead"
            ? await leadStory(id)
            : page === "dead-letters"
              ? await deadLetters()
              : await overview();
    view.replaceChildren(...parts);
    document.getElementById("sign-out").hidden = false;
  } catch (error) {
    if (error instanceof Unauthorized) return signIn();
    view.replaceChildren(el("section", { class: "card error" }, `Could not load: ${error.message}`));
  }
}

document.getElementById("lead-search").addEventListener("submit", (event) => {
  event.preventDefault();
  const key = new FormData(event.target).get("key").trim();
  if (key) location.hash = `#/lead/${encodeURIComponent(key)}`;
});
document.getElementById("sign-out").addEventListener("click", async () => {
  await fetch("/admin/session", { method: "DELETE", credentials: "same-origin" });
  location.hash = "";
  signIn();
});
window.addEventListener("hashchange", route);
route();
