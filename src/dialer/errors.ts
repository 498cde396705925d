/** A request about a lease that cannot be honoured; `status` is the HTTP status the API answers. */
export class LeaseError extends Error {
  override readonly name = "LeaseError";
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}
