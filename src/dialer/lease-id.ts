/** A lease id names the campaign, the job and the lock token, so any API instance can act on it. */
export interface LeaseRef {
  campaign: string;
  jobId: string;
  token: string;
  /** When the lead's calling window closes (epoch ms, telesync's clock): no extension goes past it. */
  notAfter?: number;
}

export function encodeLeaseId(ref: LeaseRef): string {
  const parts = [
    ref.campaign,
    ref.jobId,
    ref.token,
    ...(ref.notAfter === undefined ? [] : [String(ref.notAfter)]),
  ];
  return Buffer.from(parts.join("\n"), "utf8").toString("base64url");
}

/** Undefined when the id is not one telesync issued (malformed, truncated, foreign). */
export function decodeLeaseId(leaseId: string): LeaseRef | undefined {
  if (!/^[A-Za-z0-9_-]{16,512}$/.test(leaseId)) return undefined;
  const parts = Buffer.from(leaseId, "base64url").toString("utf8").split("\n");
  if (parts.length !== 3 && parts.length !== 4) return undefined;
  const [campaign, jobId, token, notAfter] = parts as [string, string, string, string | undefined];
  if (!campaign || !jobId || !/^[0-9a-f-]{36}$/.test(token)) return undefined;
  if (notAfter === undefined) return { campaign, jobId, token };
  if (!/^\d{1,15}$/.test(notAfter)) return undefined;
  return { campaign, jobId, token, notAfter: Number(notAfter) };
}
