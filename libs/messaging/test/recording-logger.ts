import type { Logger } from '../src/logger';

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/** A Logger that keeps what it is told, so tests can assert on (the absence of) errors. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];

  debug(obj: object, msg?: string): void {
    this.records.push({ level: 'debug', obj, msg });
  }
  info(obj: object, msg?: string): void {
    this.records.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string): void {
    this.records.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string): void {
    this.records.push({ level: 'error', obj, msg });
  }

  at(level: LogRecord['level']): LogRecord[] {
    return this.records.filter((r) => r.level === level);
  }
}
