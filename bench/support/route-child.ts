/**
 * The trivial-route baseline of the lease benchmark: a Fastify server with one route that does one
 * Redis GET and answers JSON, in its own process like the telesync API it is compared with.
 * Reads `BENCH_ROUTE` = JSON `{ redisUrl, key }`; stdout `READY {"url":…}` once listening, and
 * `USAGE {…}` (CPU µs) for each `usage` line on stdin, like the service child.
 */
import { createInterface } from "node:readline";
import Fastify from "fastify";
import { createRedis } from "../../src/queues/connection.js";

const spec = JSON.parse(process.env.BENCH_ROUTE ?? "null") as { redisUrl: string; key: string } | null;
if (!spec) throw new Error("BENCH_ROUTE is not set");
const redis = createRedis(spec.redisUrl, "producer");
const app = Fastify({ logger: false });
app.post("/v1/ping", async () => ({ value: await redis.get(spec.key) }));
const url = await app.listen({ host: "127.0.0.1", port: 0 });
process.stdout.write(`READY ${JSON.stringify({ url, pid: process.pid })}\n`);
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() !== "usage") return;
  const r = process.resourceUsage();
  process.stdout.write(`USAGE ${JSON.stringify({ userUs: r.userCPUTime, systemUs: r.systemCPUTime })}\n`);
});
process.once("SIGTERM", () => {
  void app.close().then(() => {
    redis.disconnect();
    process.exit(0);
  });
});
