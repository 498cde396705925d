/**
 * A consent request refused, with the HTTP status the API answers and a stable code clients can
 * branch on: `unknown_lead` (404), `forbidden_scope` / `source_not_allowed` / `campaign_not_allowed`
 * (403), `internal_dnc` (409), `evidence_required` / `evidence_in_future` (400). Nothing was written.
 */
export class ConsentError extends Error {
  override readonly name = "ConsentError";
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
