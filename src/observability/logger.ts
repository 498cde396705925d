import pino, { type Logger } from "pino";
import { maskEmail, maskPhone } from "./mask.js";

export type { Logger };

const secretPaths = [
  "accessToken",
  "refreshToken",
  "clientSecret",
  "authorization",
  "password",
  "*.accessToken",
  "*.refreshToken",
  "*.clientSecret",
  "*.authorization",
  "*.password",
  "req.headers.authorization",
  'req.headers["x-hubspot-signature-v3"]',
];
const phonePaths = ["phone", "*.phone", "toNumber", "*.toNumber", "fromNumber", "*.fromNumber"];
const emailPaths = ["email", "*.email", "lead.email", "agent.email"];

/**
 * The process logger: JSON lines (pretty when asked), secrets removed, phone numbers and emails
 * masked wherever they appear under a known key.
 */
export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  return pino({
    level: options.level ?? process.env.LOG_LEVEL ?? "info",
    redact: { paths: secretPaths, censor: "[secret]" },
    formatters: {
      log(object) {
        return maskPii(object);
      },
    },
    ...(options.pretty ? { transport: { target: "pino-pretty", options: { colorize: true } } } : {}),
  });
}

function maskPii(object: Record<string, unknown>, depth = 0): Record<string, unknown> {
  if (depth > 3) return object;
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(object)) {
    let masked: unknown = value;
    if (typeof value === "string" && phonePaths.includes(key)) masked = maskPhone(value);
    else if (typeof value === "string" && emailPaths.includes(key)) masked = maskEmail(value);
    else if (value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Error)) {
      masked = maskPii(value as Record<string, unknown>, depth + 1);
    }
    if (masked !== value) {
      out ??= { ...object };
      out[key] = masked;
    }
  }
  return out ?? object;
}

/** A logger that drops everything (library use without a logger, tests). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
