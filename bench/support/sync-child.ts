/**
 * One in-process `telesync.sync("bench")` in a process of its own, so its peak RSS (getrusage
 * ru_maxrss) and CPU are the sync's alone. Prints `RESULT {…}` and exits.
 *
 *   node build/bench/support/sync-child.js <config json> <clock offset ms>
 */
import { configSchema } from "../../src/config/schema.js";
import { createTelesync } from "../../src/runtime/telesync.js";
import { offsetClock } from "./common.js";

const [configJson, offset] = process.argv.slice(2);
const telesync = createTelesync({
  config: configSchema.parse(JSON.parse(configJson ?? "{}")),
  now: offsetClock(Number(offset ?? 0)),
});
try {
  const rssBefore = process.memoryUsage.rss();
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const report = await telesync.sync("bench");
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const { problems: _problems, ...run } = report;
  console.log(
    `RESULT ${JSON.stringify({
      report: run,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRss: process.resourceUsage().maxRSS * 1024,
      rssBefore,
      peakBefore,
    })}`,
  );
} finally {
  await telesync.close();
}
// Exit now (and so write a --cpu-prof profile), whatever handle is still open.
process.exit(0);
