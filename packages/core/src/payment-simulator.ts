/**
 * The payment simulator (R34 development and tests): a `PaymentGateway` that collects nothing.
 * `settle` plays the provider's part — it makes the confirmation the provider's callback would
 * carry, signed with HMAC-SM3 under the simulator's secret — and the server verifies it through
 * the same `verifyConfirmation` and callback route a real provider's notification takes.
 */
import { randomUUID } from 'node:crypto';
import { constantTimeEqual, fromHex, hmacSm3, randomBytes, toHex } from '@yizheng/gm';
import { CoreError } from './errors.js';
import type { Clock } from './ports/clock.js';
import type {
  OpenedPayment,
  PaymentConfirmation,
  PaymentGateway,
  PaymentRequest,
} from './ports/payment-gateway.js';

/** The text a confirmation's signature covers. */
function signedText(c: Omit<PaymentConfirmation, 'signature'>): string {
  return `${c.orderId}|${c.providerRef}|${c.amountFen}|${c.paidAt}`;
}

export class SimulatedPaymentGateway implements PaymentGateway {
  readonly #secret: Uint8Array;
  readonly #opened = new Map<string, PaymentRequest>();
  constructor(
    private readonly clock: Clock,
    secret: Uint8Array = randomBytes(32),
  ) {
    this.#secret = secret;
  }

  async open(request: PaymentRequest): Promise<OpenedPayment> {
    this.#opened.set(request.orderId, request);
    return { providerOrderId: `sim-${request.orderId}`, payUrl: `/portal/payments/${request.orderId}` };
  }

  /** The provider's confirmation of a payment opened here (what its callback would post). */
  settle(orderId: string): PaymentConfirmation {
    const opened = this.#opened.get(orderId);
    if (!opened) throw new CoreError('YZ_ERR_PAYMENT', `the simulator opened no payment for ${orderId}`);
    const fields = {
      orderId,
      providerRef: `SIM${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`,
      amountFen: opened.amountFen,
      paidAt: this.clock.now().toISOString(),
    };
    return { ...fields, signature: toHex(hmacSm3(this.#secret, signedText(fields))) };
  }

  verifyConfirmation(confirmation: PaymentConfirmation): boolean {
    if (!/^[0-9a-f]{64}$/.test(confirmation.signature)) return false;
    return constantTimeEqual(
      fromHex(confirmation.signature),
      hmacSm3(this.#secret, signedText(confirmation)),
    );
  }
}
