/**
 * Online payment of fees (支付, R17 fee schedule and charges; R34 one-stop online business): the
 * charges due for an application (priced from the published fee schedule when the step ran,
 * `fees.ts`) become one payment order naming the schedule version; the provider's confirmation
 * (callback) is verified through the payment port before the order and its charges are marked
 * paid. Every order, confirmation and refused confirmation is audited.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from './audit.js';
import { CoreError } from './errors.js';
import type { Clock } from './ports/clock.js';
import type { OpenedPayment, PaymentConfirmation, PaymentGateway } from './ports/payment-gateway.js';
import type { Store } from './ports/store.js';
import type { PaymentOrderRecord } from './portal-model.js';

export interface PaymentContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly payments: PaymentGateway;
}

/** 创建支付订单: the due charges of one application of `uscc` as an order (reused while unpaid). */
export async function createPaymentOrder(
  context: PaymentContext,
  input: { uscc: string; applicationId: string; actor: string },
): Promise<{ order: PaymentOrderRecord; payment: OpenedPayment }> {
  const order = await context.store.transaction(async (tx) => {
    const open = (await tx.listPaymentOrders(input.uscc)).find(
      (o) => o.applicationId === input.applicationId && o.state === 'created',
    );
    if (open) return open;
    const due = (await tx.listCharges(input.uscc)).filter(
      (c) => c.applicationId === input.applicationId && c.status === 'due',
    );
    if (due.length === 0)
      throw new CoreError('YZ_ERR_PAYMENT', `nothing is due for application ${input.applicationId}`);
    const now = context.clock.now();
    const record: PaymentOrderRecord = {
      id: `pay-${randomUUID()}`,
      uscc: input.uscc,
      applicationId: input.applicationId,
      amountFen: due.reduce((sum, c) => sum + c.amountFen, 0),
      scheduleVersion: Math.max(...due.map((c) => c.scheduleVersion ?? 0)),
      items: due.map((c) => ({ code: c.code, name: c.name, amountFen: c.amountFen })),
      state: 'created',
      providerRef: null,
      createdAt: now,
      paidAt: null,
    };
    await tx.insertPaymentOrder(record);
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: 'payment.order',
      object: `payment:${record.id}`,
      reason: null,
      detail: {
        uscc: input.uscc,
        applicationId: input.applicationId,
        amountFen: record.amountFen,
        scheduleVersion: record.scheduleVersion,
      },
    });
    return record;
  });
  const payment = await context.payments.open({
    orderId: order.id,
    amountFen: order.amountFen,
    description: `一证 数字证书服务费 ${order.items.map((i) => i.name).join('、')}`,
  });
  return { order, payment };
}

/**
 * 支付结果通知: applies the provider's confirmation. Refused (`YZ_ERR_PAYMENT`, audited): a
 * confirmation that does not verify, names an unknown order, or another amount. A confirmation of
 * an order already paid is answered with the order (providers repeat their callbacks).
 */
export async function confirmPayment(
  context: PaymentContext,
  confirmation: PaymentConfirmation,
): Promise<PaymentOrderRecord> {
  const genuine = context.payments.verifyConfirmation(confirmation);
  const refusal = await context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const order = await tx.getPaymentOrder(confirmation.orderId);
    const reason = !genuine
      ? 'the confirmation signature does not verify'
      : !order
        ? 'no such order'
        : order.amountFen !== confirmation.amountFen
          ? `amount ${confirmation.amountFen} differs from the order's ${order.amountFen}`
          : null;
    if (reason) {
      await appendAudit(tx, {
        at: now,
        actor: 'payment-provider',
        action: 'payment.refuse',
        object: `payment:${confirmation.orderId}`,
        reason,
        detail: { providerRef: confirmation.providerRef, amountFen: confirmation.amountFen },
      });
      return reason;
    }
    if (order!.state === 'paid') return null;
    await tx.updatePaymentOrder(order!.id, {
      state: 'paid',
      providerRef: confirmation.providerRef,
      paidAt: now,
    });
    for (const charge of await tx.listCharges(order!.uscc))
      if (charge.applicationId === order!.applicationId && charge.status === 'due')
        await tx.setChargeStatus(charge.id, 'paid');
    await appendAudit(tx, {
      at: now,
      actor: 'payment-provider',
      action: 'payment.confirm',
      object: `payment:${order!.id}`,
      reason: null,
      detail: {
        uscc: order!.uscc,
        applicationId: order!.applicationId,
        amountFen: order!.amountFen,
        providerRef: confirmation.providerRef,
        paidAt: confirmation.paidAt,
      },
    });
    return null;
  });
  if (refusal) throw new CoreError('YZ_ERR_PAYMENT', refusal);
  return (await context.store.read.getPaymentOrder(confirmation.orderId))!;
}
