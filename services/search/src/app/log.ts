/** JSON lines on stdout/stderr, which Lambda and the local runtime both collect. */
export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function jsonLog(fn: string): Log {
  const line = (level: string, message: string, fields: Record<string, unknown> = {}) => JSON.stringify({ level, fn, message, ...fields });
  return {
    info: (message, fields) => console.log(line('info', message, fields)),
    error: (message, fields) => console.error(line('error', message, fields)),
  };
}

/** For tests: keeps the lines. */
export function memoryLog(): Log & { lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
    error: (message, fields) => lines.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
  };
}
