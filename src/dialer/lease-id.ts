/** A lease id names the campaign, the job and the lock token, so any API instance can act on it. */
export interface LeaseRef {
  campaign: string;
  jobId: string;
  token: string;
}

export function encodeLeaseId(ref: LeaseRef): string {
  return Buffer.from(`${ref.campaign}\n${ref.jobId}\n${ref.token}`, "utf8").toString("base64url");
}

/** Undefined when the id is not one telesync issued (malformed, truncated, foreign). */
export function decodeLeaseId(leaseId: string): LeaseRef | undefined {
  if (!/^[A-Za-z0-9_-]{16,512}$/.test(leaseId)) return undefined;
  const parts = Buffer.from(leaseId, "base64url").toString("utf8").split("\n");
  if (parts.length !== 3) return undefined;
  const [campaign, jobId, token] = parts as [string, string, string];
  if (!campaign || !jobId || !/^[0-9a-f-]{36}$/.test(token)) return undefined;
  return { campaign, jobId, token };
}
