// "Outcomes over time" of the campaign report: counts per UTC hour and day, kept in Redis per
// bucket on telesync's clock. A stacked column chart per series and a table of the non-empty buckets.
import { el, svgEl, table } from "./dom.js";

const palette = ["#4c7bd9", "#e0a030", "#3fa36b", "#c4514c", "#8a63c9", "#5aa6b8", "#9a8a5a", "#d96fa8"];

/** `2026-12-01 20:00` for hours, `2026-12-01` for days (UTC: buckets are UTC). */
function label(start, unit) {
  const iso = new Date(start).toISOString();
  return unit === "hour" ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

function total(counts) {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function chart(buckets, unit, dispositions) {
  const width = 640;
  const height = 160;
  const barWidth = Math.max(4, Math.floor((width - 40) / buckets.length) - 2);
  const max = Math.max(1, ...buckets.map((b) => total(b.counts)));
  const described = buckets
    .filter((b) => total(b.counts) > 0)
    .map(
      (b) =>
        `${label(b.start, unit)}: ${dispositions
          .filter((d) => b.counts[d])
          .map((d) => `${d} ${b.counts[d]}`)
          .join(", ")}`,
    );
  const svg = svgEl("svg", {
    width,
    height: height + 20,
    role: "img",
    "aria-label": described.length ? described.join("; ") : "no outcomes",
  });
  buckets.forEach((bucket, i) => {
    const x = 30 + i * (barWidth + 2);
    let y = height;
    dispositions.forEach((d, j) => {
      const n = bucket.counts[d] ?? 0;
      if (n === 0) return;
      const h = (n / max) * (height - 10);
      y -= h;
      svg.append(
        svgEl("rect", { x, y, width: barWidth, height: h, fill: palette[j % palette.length] }, undefined),
      );
    });
  });
  svg.append(svgEl("text", { x: 0, y: 12 }, String(max)));
  svg.append(svgEl("text", { x: 0, y: height }, "0"));
  svg.append(svgEl("text", { x: 30, y: height + 16 }, label(buckets[0]?.start ?? 0, unit)));
  svg.append(
    svgEl(
      "text",
      { x: width - 4, y: height + 16, "text-anchor": "end" },
      label(buckets.at(-1)?.start ?? 0, unit),
    ),
  );
  return svg;
}

function series(title, buckets, unit) {
  const dispositions = [...new Set(buckets.flatMap((b) => Object.keys(b.counts)))].sort();
  const rows = buckets
    .filter((b) => total(b.counts) > 0)
    .reverse()
    .map((b) => [label(b.start, unit), total(b.counts), ...dispositions.map((d) => b.counts[d] ?? 0)]);
  return el(
    "div",
    { class: `over-time ${unit}` },
    el("h3", {}, title),
    chart(buckets, unit, dispositions),
    el(
      "p",
      { class: "legend" },
      dispositions.map((d, j) => el("span", { style: `color: ${palette[j % palette.length]}` }, `■ ${d} `)),
    ),
    rows.length ? table([unit, "outcomes", ...dispositions], rows) : el("p", {}, "no outcomes"),
  );
}

export function overTimeSection(overTime) {
  return el(
    "section",
    { class: "card" },
    el("h2", {}, "Outcomes over time"),
    series("Last 24 hours (UTC)", overTime.hourly, "hour"),
    series("Last 14 days (UTC)", overTime.daily, "day"),
  );
}
