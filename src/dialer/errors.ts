/**
 * A request about a lease that cannot be honoured; `status` is the HTTP status the API answers and
 * `code` the stable error code: `lease_not_found` (the id was never a lease), `lease_not_held` (it
 * expired, was completed or released, or its lead left the queue), `campaign_not_found`.
 */
export class LeaseError extends Error {
  override readonly name = "LeaseError";
  readonly code: string;
  constructor(
    readonly status: 404 | 409,
    message: string,
    code?: string,
  ) {
    super(message);
    this.code = code ?? (status === 404 ? "lease_not_found" : "lease_not_held");
  }
}
