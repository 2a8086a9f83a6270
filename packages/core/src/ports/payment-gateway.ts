/**
 * The payment port (支付, R17 fees; R34 one-stop online business): what the core needs from a
 * payment provider (a bank's or a payment platform's merchant API). It opens a payment for an
 * order and, when the provider's confirmation (its asynchronous callback, 支付结果通知) arrives,
 * tells whether that confirmation is genuine — the core never trusts the payer's browser for
 * "paid". `SimulatedPaymentGateway` is the development stand-in; the contract is in
 * docs/integration.md.
 */

/** What the provider is asked to collect. */
export interface PaymentRequest {
  readonly orderId: string;
  readonly amountFen: number;
  /** Shown to the payer: 一证 数字证书服务费 …. */
  readonly description: string;
}

/** The provider's answer: its own reference and where the payer goes to pay. */
export interface OpenedPayment {
  readonly providerOrderId: string;
  readonly payUrl: string;
}

/** A confirmation as the provider's callback carries it (fields as text, signed by the provider). */
export interface PaymentConfirmation {
  readonly orderId: string;
  /** The provider's transaction reference (流水号). */
  readonly providerRef: string;
  readonly amountFen: number;
  /** ISO 8601. */
  readonly paidAt: string;
  /** The provider's signature over the fields above (format owned by the adapter). */
  readonly signature: string;
}

export interface PaymentGateway {
  open(request: PaymentRequest): Promise<OpenedPayment>;
  /** True when the confirmation was made by the provider and not altered. */
  verifyConfirmation(confirmation: PaymentConfirmation): boolean;
}
