/**
 * missing-timeout across files (round 2): a pg client configured with a connection string that a project function
 * builds, in the same file or another one. Decisions: src/rules/missing-timeout.md ("Round-2 tuning pass").
 */
import { projectTable } from '../helpers/project-table';

const CONFIG = `export function databaseUrlWithoutName() {\n  const url = new URL(process.env.DATABASE_URL!);\n  url.pathname = 'postgres';\n  return url.toString();\n}\n`;

projectTable('missing-timeout', 'missing-timeout: options and pg configs built by project functions', {
  valid: [
    {
      name: 'fetch init from another file that sets a signal',
      files: {
        'src/http.ts': `export function authInit(token: string) {\n  return { headers: { authorization: token }, signal: AbortSignal.timeout(5000) };\n}\n`,
        'src/api.ts': `import { authInit } from './http';\nexport const me = (t: string) => fetch('https://api.example.com/me', authInit(t));\n`,
      },
    },
    {
      name: 'fetch init from a function that spreads something unknown',
      files: {
        'src/http.ts': `export function authInit(token: string, extra: RequestInit) {\n  return { ...extra, headers: { authorization: token } };\n}\n`,
        'src/api.ts': `import { authInit } from './http';\nexport const me = (t: string, x: RequestInit) => fetch('https://api.example.com/me', authInit(t, x));\n`,
      },
    },
    {
      name: 'fetch init from a function that returns a parameter on one path',
      files: {
        'src/http.ts': `export function init(base?: RequestInit) {\n  if (base) return base;\n  return { method: 'GET' };\n}\n`,
        'src/api.ts': `import { init } from './http';\nexport const me = () => fetch('https://api.example.com/me', init());\n`,
      },
    },
    {
      name: 'axios config from another file, axios.defaults.timeout set in the project',
      files: {
        'src/setup.ts': `import axios from 'axios';\naxios.defaults.timeout = 5000;\n`,
        'src/config.ts': `export const apiConfig = () => ({ headers: { 'x-api-key': process.env.KEY } });\n`,
        'src/api.ts': `import axios from 'axios';\nimport { apiConfig } from './config';\nexport const get = (u: string) => axios.get(u, apiConfig());\n`,
      },
    },
    {
      name: 'an AWS client config from a function that sets a requestHandler',
      files: {
        'src/aws.ts': `import { NodeHttpHandler } from '@smithy/node-http-handler';\nexport function s3Config() {\n  return { region: 'eu-west-1', requestHandler: new NodeHttpHandler({ requestTimeout: 5000 }) };\n}\n`,
        'src/s3.ts': `import { S3Client } from '@aws-sdk/client-s3';\nimport { s3Config } from './aws';\nexport const s3 = new S3Client(s3Config());\n`,
      },
    },
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
      name: 'fetch init built in another file without a signal',
      files: {
        'src/http.ts': `export function authInit(token: string) {\n  return { headers: { authorization: token } };\n}\n`,
        'src/api.ts': `import { authInit } from './http';\nexport const me = (t: string) => fetch('https://api.example.com/me', authInit(t));\n`,
      },
      errors: [{ file: 'src/api.ts', line: 2, column: 34, messageId: 'fetch', message: /`authInit\(\)` in `http\.ts` returns options without `signal`/ }],
    },
    {
      name: 'awaited axios config from a same-file arrow function',
      files: { 'src/api.ts': `import axios from 'axios';\nconst cfg = async () => ({ headers: { a: '1' } });\nexport const get = async (u: string) => axios.get(u, await cfg());\n` },
      errors: [{ file: 'src/api.ts', line: 3, column: 41, messageId: 'axios', message: /`cfg\(\)` in this file returns options without `timeout`/ }],
    },
    {
      name: 'an AWS client config from another file without a requestHandler',
      files: {
        'src/aws.ts': `export function s3Config() {\n  return { region: 'eu-west-1', forcePathStyle: true };\n}\n`,
        'src/s3.ts': `import { S3Client } from '@aws-sdk/client-s3';\nimport { s3Config } from './aws';\nexport const s3 = new S3Client(s3Config());\n`,
      },
      errors: [{ file: 'src/s3.ts', line: 3, column: 19, messageId: 'aws', message: /`s3Config\(\)` in `aws\.ts` returns options without `requestHandler`/ }],
    },
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
