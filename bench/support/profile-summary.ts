/**
 * Summarise a `--cpu-prof` profile: self time by function and by package, and inclusive time of
 * the functions that matter most.
 *
 *   BENCH_CPU_PROF=/tmp/prof node build/bench/run.js writeback --writeback-sizes 20000
 *   node build/bench/support/profile-summary.js /tmp/prof/CPU.*.cpuprofile [top]
 */
import { readFileSync } from "node:fs";
import { isMain } from "./common.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function where(url: string): string {
  if (url === "") return "(native/V8)";
  if (url.startsWith("node:")) return "node core";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const own = /\/(?:dist|build)\/(.+)$/.exec(url)?.[1];
  return own ? `telesync ${own.replace(/\/[^/]+$/, "/")}` : url;
}

export function summarise(file: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/(node_modules|dist)\//, "")}:${n.callFrame.lineNumber + 1}`;
  const selfByFn = new Map<string, number>();
  const selfByPkg = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    selfByFn.set(label(node), (selfByFn.get(label(node)) ?? 0) + us);
    const pkg = where(node.callFrame.url);
    selfByPkg.set(pkg, (selfByPkg.get(pkg) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const l = label(frame);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + us);
    }
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`.padStart(6);
  const table = (title: string, map: Map<string, number>, n: number) =>
    [
      title,
      ...[...map]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([k, us]) => `${pct(us)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`),
    ].join("\n");
  const skip = /^\((root|program|idle|garbage collector)\)|^\(anonymous\) :0$/;
  const inclusiveOwn = new Map(
    [...inclusive].filter(([k]) => !skip.test(k) && !k.startsWith("processTicksAndRejections")),
  );
  return [
    `${file}: ${(total / 1000).toFixed(0)} ms sampled over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`,
    table("self time by package:", selfByPkg, 15),
    table("self time by function:", selfByFn, top),
    table("inclusive time by function:", inclusiveOwn, top),
  ].join("\n\n");
}

if (isMain(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error("usage: profile-summary.js <file.cpuprofile> [top]");
  console.log(summarise(file, Number(top ?? 25)));
}
