import pino, { type Logger } from "pino";
import { maskPii, maskText } from "./redact-pii.js";

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
/**
 * The process logger: JSON lines (pretty when asked), secrets removed, phone numbers and emails
 * masked by field name and by shape, in nested objects, arrays, error messages and the log message.
 */
export function createLogger(
  options: { level?: string; pretty?: boolean; destination?: pino.DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      redact: { paths: secretPaths, censor: "[secret]" },
      formatters: {
        log(object) {
          return maskPii(object) as Record<string, unknown>;
        },
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === "string" ? maskText(arg) : arg));
          return method.apply(this, masked as Parameters<typeof method>);
        },
      },
      ...(options.pretty ? { transport: { target: "pino-pretty", options: { colorize: true } } } : {}),
    },
    ...(options.destination ? [options.destination] : []),
  );
}

/** A logger that drops everything (library use without a logger, tests). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
