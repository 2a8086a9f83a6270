/**
 * The SMS simulator (R34): an `SmsGateway` that delivers nothing and keeps what it was asked to
 * send, newest last, so a developer (on the embedded default, `GET /api/v1/dev/sms-outbox` and
 * the server log) and the tests can read the login code an agent would receive. Production wires
 * a provider adapter instead; the simulator is refused there (see the server's serve options).
 */
import type { Clock } from './ports/clock.js';
import type { SmsGateway, SmsMessage } from './ports/sms-gateway.js';

/** A message the simulator "sent". */
export interface SimulatedSms extends SmsMessage {
  readonly at: Date;
}

export class SimulatedSmsGateway implements SmsGateway {
  readonly #outbox: SimulatedSms[] = [];
  constructor(
    private readonly clock: Clock,
    /** Called with each message (the server logs it). */
    private readonly onSend?: (message: SimulatedSms) => void,
    /** How many messages are kept (oldest dropped first). */
    private readonly keep = 200,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    const sent = { ...message, at: this.clock.now() };
    this.#outbox.push(sent);
    if (this.#outbox.length > this.keep) this.#outbox.shift();
    this.onSend?.(sent);
  }

  /** Messages kept, newest last; only those to `phone` when given. */
  outbox(phone?: string): readonly SimulatedSms[] {
    return phone === undefined ? [...this.#outbox] : this.#outbox.filter((m) => m.phone === phone);
  }
}
