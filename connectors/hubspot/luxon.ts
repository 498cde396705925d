import { createRequire } from "node:module";

/**
 * luxon as its CommonJS build, the copy BullMQ (through cron-parser) already loads: an ES import
 * would load its ES build beside it, a second copy of the same version (~0.7 MiB of live heap in
 * every process, syncs included).
 */
export const { DateTime, IANAZone } = createRequire(import.meta.url)("luxon") as typeof import("luxon");
