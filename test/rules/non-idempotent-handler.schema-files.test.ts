/**
 * non-idempotent-handler: natural unique keys read from a workspace package's Drizzle schema file that the run does not
 * analyse (`packages/db/schema.ts` beside analysed `packages/trpc`), as the Prisma schemas are: text only, per package
 * directory (handlers/schema.ts `prismaUniques`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { drizzleUniqueModels, prismaUniques } from '../../src/rules/handlers/schema';

const SCHEMA = `import { sqliteTable, text, unique } from 'drizzle-orm/sqlite-core';
import { createId } from '@paralleldrive/cuid2';

export const users = sqliteTable('user', {
  id: text('id').notNull().primaryKey().$defaultFn(() => createId()),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
});

export const apiKeys = sqliteTable(
  'apiKey',
  {
    id: text('id').notNull().primaryKey().$defaultFn(() => createId()),
    name: text('name').notNull(),
    keyId: text('keyId').notNull().unique(),
    userId: text('userId').notNull().references(() => users.id, { onDelete: 'cascade' }),
  },
  (ak) => [unique().on(ak.name, ak.userId)],
);

export const bookmarks = sqliteTable('bookmarks', {
  id: text('id').notNull().primaryKey().$defaultFn(() => createId()),
  title: text('title'),
  note: text('note', { length: 200 }),
});
`;

test('drizzleUniqueModels: natural keys of tables read as text (column .unique(), unique().on(...)), not ids; a lone keyId is kept (the insert then decides whether it gives it from the input)', () => {
  const m = drizzleUniqueModels(SCHEMA);
  assert.deepEqual(m.get('user'), [['email']]);
  assert.deepEqual(m.get('apikey'), [['name', 'userId'], ['keyId']]);
  assert.equal(m.has('bookmark'), false);
});

test('prismaUniques also reads schema.ts / src/schema.ts / schema/*.ts of the package directories', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nih-schema-'));
  fs.mkdirSync(path.join(dir, 'src', 'schema'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'schema.ts'), SCHEMA);
  fs.writeFileSync(path.join(dir, 'src', 'schema', 'teams.ts'), "export const teams = pgTable('teams', { id: uuid().defaultRandom(), slug: text('slug').notNull(), name: text('name').notNull() }, (t) => [unique('teams_name').on(t.name)]);\n");
  const m = prismaUniques([dir]);
  assert.deepEqual(m.get('apikey'), [['name', 'userId'], ['keyId']]);
  assert.deepEqual(m.get('team'), [['name']]);
  assert.equal(prismaUniques([path.join(dir, 'nothing-here')]).size, 0);
});
