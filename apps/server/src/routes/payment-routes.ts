/**
 * Online payment of fees (支付, R17, R34): the legal person's charges and orders, an order for the
 * charges due on one application (priced from the fee schedule version the charges name), and
 * the provider's callback (支付结果通知), verified through the payment port before anything is
 * marked paid. On the embedded default the payment simulator plays the provider:
 * `POST /api/v1/dev/payments/{id}/settle` makes its signed confirmation and delivers it to the
 * callback route, exactly as a provider's notification would arrive.
 */
import {
  type PaymentGateway,
  type PaymentOrderRecord,
  type SimulatedPaymentGateway,
  CoreError,
  auditName,
  confirmPayment,
  createPaymentOrder,
} from '@yizheng/core';
import { type Static, Type } from 'typebox';
import { principalOf, requireOwnUscc } from '../auth/principal.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { Nullable, Time } from './certificate-views.js';
import { ChargeView, chargeView } from './service-views.js';

const OrderId = Type.String({ pattern: '^pay-[0-9a-f-]{36}$' });

const OrderView = Type.Object({
  id: Type.String(),
  uscc: Type.String(),
  applicationId: Type.String(),
  amountFen: Type.Integer({ description: '分 fen' }),
  scheduleVersion: Type.Integer({ description: 'the fee schedule version the charges were priced from' }),
  items: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), amountFen: Type.Integer() })),
  state: Type.String({ description: 'created | paid' }),
  providerRef: Nullable(Type.String()),
  createdAt: Time,
  paidAt: Nullable(Time),
});

function orderView(o: PaymentOrderRecord) {
  return {
    ...o,
    items: o.items.map((i) => ({ ...i })),
    createdAt: o.createdAt.toISOString(),
    paidAt: o.paidAt?.toISOString() ?? null,
  };
}

const Confirmation = Type.Object(
  {
    orderId: OrderId,
    providerRef: Type.String({ minLength: 1, maxLength: 64 }),
    amountFen: Type.Integer({ minimum: 0 }),
    paidAt: Type.String({ format: 'date-time' }),
    signature: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export function registerPaymentRoutes(
  app: TypedApp,
  platform: Platform,
  payments: PaymentGateway,
  simulator?: SimulatedPaymentGateway,
): void {
  const context = { ...platform, payments };

  app.get(
    '/portal/charges',
    {
      config: { access: { roles: ['applicant'] } },
      schema: {
        tags: ['portal'],
        summary: 'The legal person’s charges and payment orders 费用与支付',
        response: { 200: Type.Object({ charges: Type.Array(ChargeView), orders: Type.Array(OrderView) }) },
      },
    },
    async (request) => {
      const uscc = principalOf(request).uscc!;
      const [charges, orders] = await Promise.all([
        platform.store.read.listCharges(uscc),
        platform.store.read.listPaymentOrders(uscc),
      ]);
      return { charges: charges.map(chargeView), orders: orders.map(orderView) };
    },
  );

  app.post(
    '/portal/payments',
    {
      config: { access: { roles: ['applicant'] } },
      schema: {
        tags: ['portal'],
        summary: 'Pay the charges due on one application 支付: a payment order and where to pay',
        body: Type.Object(
          { applicationId: Type.String({ minLength: 1, maxLength: 64 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ order: OrderView, payUrl: Type.String() }) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const application = await platform.store.read.getApplication(request.body.applicationId);
      requireOwnUscc(principal, application?.uscc ?? '');
      const { order, payment } = await createPaymentOrder(context, {
        uscc: principal.uscc!,
        applicationId: request.body.applicationId,
        actor: auditName(principal),
      });
      return reply.code(201).send({ order: orderView(order), payUrl: payment.payUrl });
    },
  );

  app.post(
    '/payments/callback',
    {
      config: { access: 'public' },
      schema: {
        tags: ['payments'],
        summary: 'The payment provider’s confirmation 支付结果通知 (verified through the payment port)',
        description:
          'A confirmation that does not verify, or names another amount, is refused (YZ_ERR_PAYMENT) and audited.',
        body: Confirmation,
        response: { 200: OrderView },
      },
    },
    async (request) => orderView(await confirmPayment(context, request.body)),
  );

  if (simulator && platform.embedded)
    app.post(
      '/dev/payments/:id/settle',
      {
        config: { access: 'public' },
        schema: {
          tags: ['development'],
          summary:
            'The payment simulator pays an order and posts its confirmation to the callback (embedded default only)',
          params: Type.Object({ id: OrderId }),
          response: { 200: OrderView },
        },
      },
      async (request) => {
        const confirmation = simulator.settle(request.params.id);
        // delivered over HTTP to the callback route, as the provider's notification would be
        const delivered = await app.inject({
          method: 'POST',
          url: '/api/v1/payments/callback',
          payload: confirmation,
        });
        if (delivered.statusCode !== 200)
          throw new CoreError('YZ_ERR_PAYMENT', `the callback refused it: ${delivered.body}`);
        return delivered.json() as Static<typeof OrderView>;
      },
    );
}
