/**
 * missing-timeout across files (round 2): a pg client configured with a connection string that a project function
 * builds, in the same file or another one. Decisions: src/rules/missing-timeout.md ("Round-2 tuning pass").
 */
import { projectTable } from '../helpers/project-table';

const CONFIG = `export function databaseUrlWithoutName() {\n  const url = new URL(process.env.DATABASE_URL!);\n  url.pathname = 'postgres';\n  return url.toString();\n}\n`;

projectTable('missing-timeout', 'missing-timeout: pg configs built by project functions', {
  valid: [
    {
      name: 'a config object from another file (may set a timeout)',
      files: {
        'src/config.ts': `export function poolConfig() {\n  return { connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 5000 };\n}\n`,
        'src/db.ts': `import { Pool } from 'pg';\nimport { poolConfig } from './config';\nexport const pool = new Pool(poolConfig());\n`,
      },
    },
    {
      name: 'a connection string that names a timeout',
      files: {
        'src/config.ts': "export function dbUrl() {\n  return `${process.env.DATABASE_URL}?options=-c%20statement_timeout%3D30000`; // statement timeout\n}\n",
        'src/db.ts': `import { Client } from 'pg';\nimport { dbUrl } from './config';\nexport const client = new Client(dbUrl());\n`,
      },
    },
    {
      name: 'a package function (unknown)',
      files: { 'src/db.ts': `import { Client } from 'pg';\nimport { getUrl } from 'some-config-lib';\nexport const client = new Client(getUrl());\n` },
    },
  ],
  invalid: [
    {
      name: 'new Client(f()) with f in another file returning url.toString()',
      files: {
        'src/config.ts': CONFIG,
        'src/migrate.ts': `import { Client } from 'pg';\nimport { databaseUrlWithoutName } from './config';\nexport async function createDatabase() {\n  const client = new Client(databaseUrlWithoutName());\n  await client.connect();\n}\n`,
      },
      errors: [{ file: 'src/migrate.ts', line: 4, column: 18, messageId: 'pg', message: /databaseUrlWithoutName\(\)` in `config\.ts` returns a connection string/ }],
    },
    {
      name: 'new Pool(f()) with a same-file template-returning f',
      files: { 'src/db.ts': "import { Pool } from 'pg';\nconst dsn = () => `postgres://${process.env.PGHOST}/app`;\nexport const pool = new Pool(dsn());\n" },
      errors: [{ file: 'src/db.ts', line: 3, column: 21, messageId: 'pg', message: /in this file returns a connection string/ }],
    },
  ],
});
