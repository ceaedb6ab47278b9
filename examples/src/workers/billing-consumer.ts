/**
 * Billing workers. Kafka and SQS deliver at least once: after a consumer crash or a visibility timeout the same
 * message comes back, and these handlers repeat their effect.
 */
import { Kafka } from 'kafkajs';
import type { SQSEvent } from 'aws-lambda';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const ses = new SESClient({});
const kafka = new Kafka({ clientId: 'billing', brokers: ['kafka:9092'] });
const consumer = kafka.consumer({ groupId: 'billing' });

export async function runUsageConsumer(): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topic: 'usage-recorded' });
  await consumer.run({
    // non-idempotent-handler: a redelivered Kafka message applies the increment twice (Twilio 2013 in miniature)
    eachMessage: async ({ message }) => {
      const usage = JSON.parse(message.value?.toString() ?? '{}');
      await prisma.account.update({ where: { id: usage.accountId }, data: { balanceCents: { decrement: usage.costCents } } });
    },
  });
}

// non-idempotent-handler: a redelivered SQS message sends the receipt email twice
export const sendReceipts = async (event: SQSEvent): Promise<void> => {
  for (const record of event.Records) {
    const receipt = JSON.parse(record.body);
    await ses.send(new SendEmailCommand({
      Source: 'billing@example.com',
      Destination: { ToAddresses: [receipt.email] },
      Message: { Subject: { Data: 'Your receipt' }, Body: { Text: { Data: receipt.text } } },
    }));
  }
};

// guarded: the invoice row is keyed by the SQS message id (upsert), so a redelivery is a no-op
export const recordInvoices = async (event: SQSEvent): Promise<void> => {
  for (const record of event.Records) {
    const invoice = JSON.parse(record.body);
    await prisma.invoice.upsert({
      where: { sourceMessageId: record.messageId },
      create: { ...invoice, sourceMessageId: record.messageId },
      update: {},
    });
  }
};
