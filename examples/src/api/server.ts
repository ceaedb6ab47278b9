import express from 'express';
import { stockFor, reserve } from '../clients/inventory';
import { priceOf } from '../clients/pricing';
import { quote } from '../clients/shipping';

export const app = express();
app.use(express.json());

app.get('/health', (_req, res) => {
  res.json({ ok: true, at: new Date().toISOString() });
});

app.get('/products/:sku', async (req, res) => {
  const [stock, cents] = await Promise.all([stockFor(req.params.sku), priceOf(req.params.sku)]);
  res.json({ sku: req.params.sku, available: stock.available, cents });
});

app.post('/quotes', async (req, res) => {
  const { postcode, grams } = req.body as { postcode: string; grams: number };
  res.json({ cents: await quote(postcode, grams) });
});

app.post('/orders/:id/reserve', async (req, res) => {
  await reserve(req.body.sku, req.body.quantity, req.params.id);
  res.status(202).end();
});
