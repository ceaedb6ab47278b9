/**
 * Checkout API (Express + Stripe + Prisma). Two handlers repeat their effect when a client retries a timed-out
 * POST; the refund route shows the guarded version (Idempotency-Key header passed to Stripe and recorded).
 */
import express from 'express';
import Stripe from 'stripe';
import { PrismaClient } from '@prisma/client';

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY ?? '');
const prisma = new PrismaClient();
export const app = express();
app.use(express.json());

// non-idempotent-handler (error): a client retry of this POST charges the card twice
app.post('/checkout', requireUser, async (req, res) => {
  const { cartId, paymentMethod } = req.body;
  const cart = await prisma.cart.findUniqueOrThrow({ where: { id: cartId } });
  const intent = await stripe.paymentIntents.create({
    amount: cart.totalCents,
    currency: 'eur',
    payment_method: paymentMethod,
    confirm: true,
  });
  res.status(201).json({ intentId: intent.id });
});

// non-idempotent-handler (warning): a retry inserts a second order row and sends a second confirmation email
app.post('/orders', requireUser, createOrder);

async function createOrder(req: express.Request, res: express.Response) {
  const order = await prisma.order.create({ data: { userId: res.locals.userId, items: req.body.items } });
  await sendConfirmation(order.id, req.body.email);
  res.status(201).json(order);
}

async function sendConfirmation(orderId: string, email: string) {
  await mailer.sendMail({ to: email, subject: `Order ${orderId} confirmed` });
}

// guarded: the client's Idempotency-Key is recorded and passed to Stripe
app.post('/refunds', requireUser, async (req, res) => {
  const idempotencyKey = req.get('Idempotency-Key');
  if (!idempotencyKey) return res.status(400).json({ error: 'Idempotency-Key header is required' });
  const prior = await prisma.refundRequest.findUnique({ where: { idempotencyKey } });
  if (prior) return res.json(prior.response);
  const refund = await stripe.refunds.create({ payment_intent: req.body.intentId }, { idempotencyKey });
  await prisma.refundRequest.create({ data: { idempotencyKey, response: refund as object } });
  res.status(201).json(refund);
});

function requireUser(req: express.Request, res: express.Response, next: express.NextFunction) {
  res.locals.userId = req.get('x-user-id');
  next();
}

declare const mailer: { sendMail(m: { to: string; subject: string }): Promise<unknown> };
