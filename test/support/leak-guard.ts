/**
 * Fails a test file that leaves something running: a worker's Redis connection, a timer, a server, a
 * socket, a child process. Loaded by vitest for every test file (`setupFiles`). Handles (sockets,
 * servers, pipes, processes) are counted with `process.getActiveResourcesInfo()` before the file's
 * first test and after its last cleanup; timers are tracked one by one from the global
 * `setTimeout`/`setInterval` (vitest's own timers do not go through them, so they are not counted).
 * Anything still open after a short grace fails the file with the list.
 */
import { afterAll, beforeAll } from "vitest";

/** Long enough for a closed socket or server to leave the event loop, short against a leak. */
const graceMs = 2_000;

type Counts = Map<string, number>;

/** Ref'd handles by type, timers left out (tracked below). */
function activeHandles(): Counts {
  const counts: Counts = new Map();
  for (const type of process.getActiveResourcesInfo())
    if (type !== "Timeout" && type !== "Immediate") counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

interface TrackedTimer {
  timer: NodeJS.Timeout;
  kind: "setTimeout" | "setInterval";
  ms: number;
  stack: string;
}

const timers = new Set<TrackedTimer>();
let tracking = false;

function track<F extends typeof setTimeout | typeof setInterval>(original: F, kind: TrackedTimer["kind"]): F {
  const wrapped = ((...args: Parameters<F>) => {
    const timer = (original as (...a: unknown[]) => NodeJS.Timeout)(...args);
    if (tracking) {
      const stack = new Error().stack?.split("\n").slice(2, 6).join("\n") ?? "";
      timers.add({ timer, kind, ms: Number(args[1] ?? 0), stack });
    }
    return timer;
  }) as F;
  return Object.assign(wrapped, original);
}

globalThis.setTimeout = track(globalThis.setTimeout, "setTimeout");
globalThis.setInterval = track(globalThis.setInterval, "setInterval");

/** A timer still pending and keeping the process alive (`_destroyed`: fired or cleared). */
function pending(entry: TrackedTimer): boolean {
  const timer = entry.timer as NodeJS.Timeout & { _destroyed?: boolean };
  return timer._destroyed !== true && timer.hasRef();
}

function leftovers(before: Counts): string[] {
  const extra: string[] = [];
  for (const [type, count] of activeHandles()) {
    const more = count - (before.get(type) ?? 0);
    if (more > 0) extra.push(`${more} × ${type}`);
  }
  for (const entry of timers)
    if (pending(entry)) extra.push(`${entry.kind}(…, ${entry.ms}) created at\n${entry.stack}`);
  return extra;
}

/** Where the open sockets and servers point (undocumented Node API, so best effort). */
function endpoints(): string[] {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  const described: string[] = [];
  for (const handle of handles) {
    const socket = handle as { remoteAddress?: string; remotePort?: number; destroyed?: boolean };
    const server = handle as { listening?: boolean; address?: () => unknown };
    if (socket.remotePort !== undefined && !socket.destroyed)
      described.push(`socket to ${socket.remoteAddress}:${socket.remotePort}`);
    else if (server.listening && typeof server.address === "function")
      described.push(`server on ${JSON.stringify(server.address())}`);
  }
  return described;
}

let before: Counts = new Map();

beforeAll(() => {
  before = activeHandles();
  timers.clear();
  tracking = true;
});

// Registered first, so with vitest's default hook order ("stack") it runs after the file's own afterAll.
afterAll(async () => {
  tracking = false;
  const deadline = Date.now() + graceMs;
  let extra = leftovers(before);
  while (extra.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    extra = leftovers(before);
  }
  if (extra.length > 0) {
    const where = endpoints();
    throw new Error(
      `this test file left resources open after its cleanup:\n- ${extra.join("\n- ")}` +
        (where.length > 0 ? `\n(${where.join("; ")})` : "") +
        "\nClose every worker, queue, connection, server and timer it starts (afterEach/afterAll).",
    );
  }
});
