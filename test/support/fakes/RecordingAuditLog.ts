import type { AuditEntry, AuditLog } from '../../../src/domain/index.js';

/** Keeps every audit entry in memory, for use-case tests to assert on. */
export class RecordingAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];

  record(entry: AuditEntry): void {
    this.entries.push(entry);
  }
}
