/**
 * Structured logs, one JSON object a line (as powertools' Logger writes them), so CloudWatch Logs
 * Insights and `grep` both work. Levels: debug < info < warn < error; LOG_LEVEL picks the lowest shown.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(context: LogFields, level: string | undefined = 'info', write: (line: string) => void = (l) => console.log(l)): Logger {
  const threshold = ORDER[(level?.toLowerCase() ?? 'info') as LogLevel] ?? ORDER.info;
  const log = (lvl: LogLevel) => (message: string, fields: LogFields = {}) => {
    if (ORDER[lvl] < threshold) return;
    write(JSON.stringify({ level: lvl.toUpperCase(), message, timestamp: new Date().toISOString(), ...context, ...serializable(fields) }));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Errors become {name, message, stack}: JSON.stringify would turn them into {}. */
function serializable(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}

/** A logger that keeps lines in memory (tests). */
export function memoryLogger(): Logger & { lines: LogFields[] } {
  const lines: LogFields[] = [];
  const logger = createLogger({}, 'debug', (line) => lines.push(JSON.parse(line) as LogFields));
  return Object.assign(logger, { lines });
}
