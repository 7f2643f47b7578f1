export interface IdGenerator {
  /** A new random UUID (v4). */
  newId(): string;
  /** A new secret of 256 random bits in base64url (43 characters): a refresh token. */
  newSecret(): string;
}
