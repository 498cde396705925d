/** One entry of a Salesforce REST error body: the API always answers errors as an array of these. */
export interface SalesforceErrorItem {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** An error the sandbox answers with Salesforce's status code and `[{message, errorCode, fields?}]` body. */
export class SalesforceApiError extends Error {
  override readonly name = "SalesforceApiError";
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
  }

  body(): SalesforceErrorItem[] {
    return [
      { message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) },
    ];
  }
}

export function malformedQuery(message: string): SalesforceApiError {
  return new SalesforceApiError(400, "MALFORMED_QUERY", message);
}

export function noSuchColumn(field: string, entity: string): SalesforceApiError {
  return new SalesforceApiError(
    400,
    "INVALID_FIELD",
    `No such column '${field}' on entity '${entity}'. If you are attempting to use a custom field, be sure ` +
      "to append the '__c' after the custom field name. Please reference your WSDL or the describe call for " +
      "the appropriate names.",
  );
}

export function invalidType(type: string): SalesforceApiError {
  return new SalesforceApiError(
    400,
    "INVALID_TYPE",
    `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to ` +
      "append the '__c' after the entity name. Please reference your WSDL or the describe call for the " +
      "appropriate names.",
  );
}

export function notFound(message = "The requested resource does not exist"): SalesforceApiError {
  return new SalesforceApiError(404, "NOT_FOUND", message);
}

export function invalidSession(): SalesforceApiError {
  return new SalesforceApiError(401, "INVALID_SESSION_ID", "Session expired or invalid");
}
