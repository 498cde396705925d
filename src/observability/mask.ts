/** "+14155550123" → "+1415•••••23": enough to tell numbers apart in logs, not enough to call them. */
export function maskPhone(phone: string): string {
  const compact = phone.replace(/[^\d+]/g, "");
  if (compact.length <= 6) return "•".repeat(compact.length);
  return `${compact.slice(0, 5)}${"•".repeat(compact.length - 7)}${compact.slice(-2)}`;
}

/** "jane.doe@example.com" → "j•••@example.com". */
export function maskEmail(email: string): string {
  const at = email.indexOf("@");
  if (at <= 0) return "•••";
  return `${email[0]}•••${email.slice(at)}`;
}
