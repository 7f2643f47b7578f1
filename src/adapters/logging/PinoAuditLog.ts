import type { Logger } from 'pino';
import type { AuditEntry, AuditLog } from '../../domain/index.js';

/** The audit trail as log lines: `{"audit":true,"event":…,"public_id":…,"ip":…,"requestId":…,"time":…}`. */
export class PinoAuditLog implements AuditLog {
  constructor(private readonly logger: Logger) {}

  record(entry: AuditEntry): void {
    this.logger.info(
      {
        audit: true,
        event: entry.event,
        public_id: entry.publicId,
        ...(entry.actorPublicId === undefined ? {} : { actor_public_id: entry.actorPublicId }),
        ip: entry.origin.clientAddress,
        requestId: entry.origin.requestId,
      },
      'audit',
    );
  }
}
