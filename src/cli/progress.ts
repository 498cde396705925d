import type { SyncRunRecord } from "../sync/sync-state.js";

/** Where progress goes: a terminal (one line redrawn) or a log (whole lines, now and then). */
export interface ProgressSink {
  tty: boolean;
  write: (text: string) => void;
}

export interface SyncProgressOptions {
  sink: ProgressSink;
  /** Wall clock in ms for the rate (progress is about the operator's waiting, not telesync's clock). */
  now: () => number;
  /** Without a TTY: at most one line per this many ms (the last page is always printed by the caller). */
  logEveryMs?: number;
  /** On a TTY: redraw at most this often. */
  redrawEveryMs?: number;
}

export function countsLine(run: SyncRunRecord): string {
  return `pages ${run.pages} · records ${run.records} · added ${run.added} · updated ${run.updated} · removed ${run.removed} · skipped ${run.skipped} · do-not-call ${run.suppressed} · held ${run.held} · blocked ${run.blocked}`;
}

/** `1h02m`, `3m05s`, `42s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/**
 * The rate (records/s since the start) and, when the CRM said how many records the pull expects,
 * the percentage and the time left at that rate.
 */
export function rateAndEta(records: number, elapsedMs: number, expected: number | undefined): string {
  const rate = elapsedMs > 0 ? (records * 1000) / elapsedMs : 0;
  const parts = [`${rate.toFixed(rate >= 100 ? 0 : 1)} leads/s`];
  if (expected !== undefined && expected > 0) {
    const left = Math.max(0, expected - records);
    parts.unshift(`${Math.min(100, Math.floor((records * 100) / expected))}% of ${expected}`);
    parts.push(rate > 0 ? `ETA ${formatDuration((left / rate) * 1000)}` : "ETA ?");
  }
  return parts.join(" · ");
}

/**
 * Sync progress for `telesync sync`: on a TTY one status line redrawn in place (rate, and ETA when
 * the total is known); otherwise a plain line now and then, fit for logs and CI.
 */
export class SyncProgress {
  private readonly startedAt: number;
  private lastShown = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(private readonly options: SyncProgressOptions) {
    this.startedAt = options.now();
  }

  line(run: SyncRunRecord, expected: number | undefined): string {
    return `${countsLine(run)} · ${rateAndEta(run.records, this.options.now() - this.startedAt, expected)}`;
  }

  page(run: SyncRunRecord, expected: number | undefined): void {
    const now = this.options.now();
    const { sink } = this.options;
    const every = sink.tty ? (this.options.redrawEveryMs ?? 100) : (this.options.logEveryMs ?? 10_000);
    if (now - this.lastShown < every) return;
    this.lastShown = now;
    if (sink.tty) {
      sink.write(`\r\x1b[2K${this.line(run, expected)}`);
      this.drawn = true;
    } else {
      sink.write(`sync progress: ${this.line(run, expected)}\n`);
    }
  }

  /** End the redrawn line (TTY), so what follows starts on its own line. */
  done(): void {
    if (this.drawn) this.options.sink.write("\n");
  }
}
