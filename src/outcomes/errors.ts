/**
 * The outcomeId was already accepted on another lease: the dialer reused an id (two calls, one id)
 * or posted to the wrong lease. Answered 409 with the stable code `outcome_conflict`; nothing recorded.
 */
export class OutcomeConflictError extends Error {
  override readonly name = "OutcomeConflictError";
  readonly status = 409;
  readonly code = "outcome_conflict";
  constructor(readonly outcomeId: string) {
    super(`outcomeId "${outcomeId}" was already reported on another lease`);
  }
}
