/**
 * The SMS port (短信网关, R34 agent login by phone): the one thing the core needs from an SMS
 * provider is "deliver this text to this phone". A provider adapter (a carrier's or a cloud SMS
 * API) implements it; `SimulatedSmsGateway` records messages for development and tests. The
 * contract is in docs/integration.md.
 *
 * An adapter that cannot deliver throws `CoreError('YZ_ERR_SMS_UNAVAILABLE')`; the code is then
 * voided, so the agent simply asks again.
 */

/** One text message. */
export interface SmsMessage {
  /** 11-digit mainland mobile number. */
  readonly phone: string;
  /** The text, signed with the platform's SMS signature (【一证】). */
  readonly text: string;
}

export interface SmsGateway {
  send(message: SmsMessage): Promise<void>;
}
