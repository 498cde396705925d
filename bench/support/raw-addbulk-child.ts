/**
 * The sync benchmark's baseline: raw BullMQ `addBulk` of the very payloads a sync queued, into a
 * fresh queue under another prefix, in chunks of the sync's bulk size, with the same delays. Each
 * chunk is read from the synced queue (not timed), then added (timed). Runs in a process
 * of its own so its peak RSS is its own. Prints `RESULT {…}`.
 *
 *   node build/bench/support/raw-addbulk-child.js <redis url> <from prefix> <queue> <to prefix> <bulk size>
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";

const [redisUrl = "", fromPrefix = "", queueName = "", toPrefix = "", bulk = "1000"] = process.argv.slice(2);
const bulkSize = Number(bulk);
const redis = new Redis(redisUrl);
const base = `${fromPrefix}:${queueName}`;
const ids = [
  ...(await redis.lrange(`${base}:wait`, 0, -1)),
  ...(await redis.zrange(`${base}:delayed`, "0", "-1")),
  ...(await redis.zrange(`${base}:prioritized`, "0", "-1")),
];
const queue = new Queue(queueName, { connection: redis, prefix: toPrefix });
const peakBefore = process.resourceUsage().maxRSS * 1024;
let jobs = 0;
let delayed = 0;
let addMs = 0;
let cpuUs = 0;
// Read a chunk (not timed), add it (timed): the payloads stream through like a sync's pages.
for (let i = 0; i < ids.length; i += bulkSize) {
  const chunk = ids.slice(i, i + bulkSize);
  const pipeline = redis.pipeline();
  for (const id of chunk) pipeline.hmget(`${base}:${id}`, "data", "delay");
  const replies = (await pipeline.exec()) ?? [];
  const payloads: Array<{ id: string; data: string; delay: number }> = [];
  replies.forEach(([, fields], j) => {
    const [data, delay] = (fields as Array<string | null>) ?? [];
    if (data) payloads.push({ id: chunk[j] as string, data, delay: Number(delay ?? 0) });
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await queue.addBulk(
    payloads.map(({ id, data, delay }) => ({
      name: "dial",
      data: JSON.parse(data) as unknown,
      opts: { jobId: id, ...(delay > 0 ? { delay } : {}) },
    })),
  );
  addMs += performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  cpuUs += cpu.user + cpu.system;
  jobs += payloads.length;
  delayed += payloads.filter((p) => p.delay > 0).length;
}
const seconds = addMs / 1000;
console.log(
  `RESULT ${JSON.stringify({
    jobs,
    delayed,
    seconds,
    cpuSeconds: cpuUs / 1e6,
    peakRss: process.resourceUsage().maxRSS * 1024,
    peakBefore,
  })}`,
);
await queue.close();
redis.disconnect();
process.exit(0);
