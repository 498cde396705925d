/** Queue names: no `:` (BullMQ), stable across versions because they are part of the Redis layout. */
export const queueNames = {
  dial: (campaign: string) => `dial-${campaign}`,
  sync: "sync",
  /** One writeback queue per integration, so a rate limit pauses only that CRM connection. */
  writeback: (integration: string) => `writeback-${integration}`,
  deadLetter: "dead-letter",
} as const;

/** BullMQ job ids may not contain `:` nor be all digits; lead keys are `<integration>/<object>/<id>`. */
export function dialJobId(leadKey: string): string {
  return leadKey;
}
