/** Abandoned and live-answered calls of one campaign over the last 30 days. */
export interface AbandonmentCounts {
  readonly abandoned: number;
  readonly liveAnswered: number;
}

export interface AbandonmentStatus {
  /** abandoned / liveAnswered (0 when nothing was answered). */
  readonly rate: number;
  /** True once `rate` reaches `threshold`: switch the campaign to preview (or power) dialing. */
  readonly previewOnly: boolean;
}

/**
 * The campaign's abandonment guard. The legal limit is 3% of live-answered calls per 30 days
 * (47 CFR 64.1200(a)(7)); tripping at a lower threshold (default 2.5%) keeps a margin.
 */
export function abandonmentStatus(counts: AbandonmentCounts, threshold: number): AbandonmentStatus {
  const { abandoned, liveAnswered } = counts;
  if (!Number.isFinite(abandoned) || !Number.isFinite(liveAnswered) || abandoned < 0 || liveAnswered < 0) {
    throw new RangeError("abandoned and liveAnswered must be non-negative numbers");
  }
  const rate = liveAnswered === 0 ? 0 : abandoned / liveAnswered;
  return { rate, previewOnly: rate >= threshold };
}
