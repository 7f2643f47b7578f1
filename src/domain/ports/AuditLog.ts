/** Every event that changes an account or a session, as the audit trail names it. */
export type AuditEvent =
  | 'register'
  | 'login_success'
  | 'login_failure'
  | 'logout'
  | 'logout_all'
  | 'password_change'
  | 'admin_granted'
  | 'admin_withdrawn'
  | 'account_deleted'
  | 'refresh'
  | 'refresh_reuse';

/**
 * Where a request came from. Adapters fill it (HTTP: the request id and client address; the CLI:
 * nulls); use cases only pass it on to the audit trail.
 */
export interface RequestOrigin {
  readonly requestId: string | null;
  readonly clientAddress: string | null;
}

export interface AuditEntry {
  readonly event: AuditEvent;
  /** The account the event is about; null when none is known (a login for an unknown email). */
  readonly publicId: string | null;
  readonly origin: RequestOrigin;
  /** The administrator who acted on someone else's account, when one did. */
  readonly actorPublicId?: string;
}

/**
 * The audit trail: one structured record per account or session event. Never handed a password,
 * a token or a hash, so none can be written.
 */
export interface AuditLog {
  record(entry: AuditEntry): void;
}
