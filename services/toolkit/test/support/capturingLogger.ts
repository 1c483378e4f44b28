import { Logger, type LogItem } from '@aws-lambda-powertools/logger';

/** One line as the logger would have printed it, parsed. */
export type LogLine = Record<string, unknown> & { level: string; message: string };

/**
 * A real Powertools Logger (same fields, same error formatting) that keeps its lines instead of
 * printing them, at DEBUG unless told otherwise. For unit tests of logic that logs.
 */
export function capturingLogger(options: { serviceName?: string; logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' } = {}): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  class Capturing extends Logger {
    protected override printLog(_level: number, item: LogItem): void {
      item.prepareForPrint();
      lines.push(JSON.parse(JSON.stringify(item.getAttributes(), this.getJsonReplacer())) as LogLine);
    }
  }
  return Object.assign(new Capturing({ serviceName: options.serviceName ?? 'test', logLevel: options.logLevel ?? 'DEBUG' }), { lines });
}
