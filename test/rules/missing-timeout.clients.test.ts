/**
 * missing-timeout, RULES.md stretch: pg, AWS SDK v3 clients, undici, and http(s) requests whose `timeout` option has
 * no 'timeout' handler. Each client's default is cited in src/rules/missing-timeout.md ("Library defaults").
 */
import { ruleTester } from '../helpers/rule-tester';

const N = 10000;

ruleTester('missing-timeout', {
  valid: [
    // pg: any of connectionTimeoutMillis, statement_timeout, query_timeout
    `import { Pool } from 'pg';\nexport const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 5000 });`,
    `import pg from 'pg';\nexport const db = new pg.Client({ host, statement_timeout: 30000 });`,
    `const { Pool } = require('pg');\nmodule.exports = new Pool({ query_timeout: 10000, max: 20 });`,
    `import { Pool } from 'pg';\nconst config = { connectionString: url, connectionTimeoutMillis: 3000 };\nexport const pool = new Pool(config);`,
    // opaque config, a connection string with a timeout in it
    `import { Pool } from 'pg';\nexport const pool = new Pool(settings);`,
    `import { Pool } from 'pg';\nexport const pool = new Pool({ ...base, max: 5 });`,
    `import { Client } from 'pg';\nexport const c = new Client('postgres://u@h/db?connect_timeout=10');`,
    // not pg
    `import { Pool } from './pool';\nexport const pool = new Pool({ size: 2 });`,
    `import { Pool } from 'undici';\nexport const pool = new Pool('https://api.example.com', { connections: 10 });`,
    // AWS SDK v3: a request handler with a timeout, or options we cannot see
    `import { S3Client } from '@aws-sdk/client-s3';\nexport const s3 = new S3Client({ region, requestHandler: { requestTimeout: 5000, throwOnRequestTimeout: true } });`,
    `import { S3Client } from '@aws-sdk/client-s3';\nimport { NodeHttpHandler } from '@smithy/node-http-handler';\nexport const s3 = new S3Client({ requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, socketTimeout: 10000 }) });`,
    `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const db = new DynamoDBClient({ requestHandler: handler });`,
    `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const db = new DynamoDBClient(config);`,
    // a handler built in this file with a timeout (by name, or by a factory whose returns all have one): bounded
    `import { S3Client } from '@aws-sdk/client-s3';\nimport { NodeHttpHandler } from '@smithy/node-http-handler';\nconst requestHandler = new NodeHttpHandler({ requestTimeout: 5000 });\nexport const s3 = new S3Client({ requestHandler });`,
    `import { S3Client } from '@aws-sdk/client-s3';\nimport { NodeHttpHandler } from '@smithy/node-http-handler';\nfunction makeHandler(secure) {\n  if (secure) return new NodeHttpHandler({ httpsAgent: agent, requestTimeout: 5000 });\n  return new NodeHttpHandler({ requestTimeout: 5000 });\n}\nexport const s3 = new S3Client({ requestHandler: makeHandler(true) });`,
    // one return of the factory has a timeout, or returns something we cannot read: unknown
    `import { S3Client } from '@aws-sdk/client-s3';\nimport { NodeHttpHandler } from '@smithy/node-http-handler';\nfunction makeHandler(secure) {\n  if (secure) return new NodeHttpHandler({ httpsAgent: agent });\n  return base;\n}\nexport const s3 = new S3Client({ requestHandler: makeHandler(true) });`,
    // a handler from another module (a call we cannot see): unknown
    `import { S3Client } from '@aws-sdk/client-s3';\nimport { makeHandler } from './handler';\nconst requestHandler = makeHandler();\nexport const s3 = new S3Client({ requestHandler });`,
    // presign-only clients sign URLs locally and make no request (judged on the tuning repositories)
    `import { S3Client } from '@aws-sdk/client-s3';\nimport { createPresignedPost } from '@aws-sdk/s3-presigned-post';\nconst objectStoreClient = env.KEY\n  ? new S3Client({ region, endpoint })\n  : new S3Client();\nexport async function upload(key) {\n  return createPresignedPost(objectStoreClient, { Bucket: b, Key: key });\n}`,
    `import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';\nimport { getSignedUrl } from '@aws-sdk/s3-request-presigner';\nexport class Storage {\n  private signedUrlClient: S3Client;\n  constructor(p) {\n    this.signedUrlClient = p.external ? new S3Client({ endpoint: p.external }) : this.client;\n  }\n  url(key) {\n    return getSignedUrl(\n      this.signedUrlClient,\n      new GetObjectCommand({ Bucket: b, Key: key }),\n    );\n  }\n}`,
    // an options object from a call: the request may carry its own signal
    `import https from 'https';\nhttps.get(buildOptions(db), (res) => res.resume());`,
    // commands are not clients
    `import { GetObjectCommand } from '@aws-sdk/client-s3';\nexport const cmd = new GetObjectCommand({ Bucket: b, Key: k });`,
    // undici request with a signal or a dispatcher
    `import { request } from 'undici';\nawait request(url, { signal: AbortSignal.timeout(5000) });`,
    `import { request } from 'undici';\nawait request(url, { dispatcher: agent });`,
    `import { request } from 'undici';\nawait request(url, { headersTimeout: 5000, bodyTimeout: 5000 });`,
    // http(s) timeout option with a handler, or a setTimeout/destroy on the request
    `import https from 'https';\nconst req = https.request(url, { timeout: 5000 }, res => res.resume());\nreq.on('timeout', () => req.destroy(new Error('timeout')));\nreq.end();`,
    `import http from 'http';\nhttp.get({ host: 'x', timeout: 2000 }, res => res.resume()).once('timeout', function () { this.destroy(); });`,
  ],
  invalid: [
    {
      name: 'pg Pool without timeouts',
      code: `import { Pool } from 'pg';\nexport const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });`,
      errors: [{ messageId: 'pg', line: 2, column: 21, endColumn: 86, message: /`new Pool` sets no connection or query timeout/ }],
      output: `import { Pool } from 'pg';\nexport const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10, connectionTimeoutMillis: ${N} });`,
    },
    {
      name: 'pg Client with no config (environment variables only)',
      code: `import pg from 'pg';\nexport const client = new pg.Client();`,
      errors: [{ messageId: 'pg', line: 2, column: 23, endColumn: 38 }],
      output: `import pg from 'pg';\nexport const client = new pg.Client({ connectionTimeoutMillis: ${N} });`,
    },
    {
      name: 'pg Pool through require and a same-file const',
      code: `const { Pool } = require('pg');\nconst cfg = { host: 'db', port: 5432 };\nmodule.exports = new Pool(cfg);`,
      filename: 'db.js',
      errors: [{ messageId: 'pg', line: 3, column: 18, endColumn: 31 }],
      output: `const { Pool } = require('pg');\nconst cfg = { host: 'db', port: 5432, connectionTimeoutMillis: ${N} };\nmodule.exports = new Pool(cfg);`,
    },
    {
      name: 'pg Client with a connection string and no timeout in it',
      code: `import { Client } from 'pg';\nexport const c = new Client('postgres://u@h/db');`,
      errors: [{ messageId: 'pg', line: 2, column: 18, endColumn: 49 }],
      output: null,
    },
    {
      name: 'pg Pool with its only timeout undefined',
      code: `import { Pool } from 'pg';\nexport const pool = new Pool({ host, connectionTimeoutMillis: undefined });`,
      errors: [{ messageId: 'pg', line: 2, column: 21, endColumn: 75 }],
      output: `import { Pool } from 'pg';\nexport const pool = new Pool({ host, connectionTimeoutMillis: ${N} });`,
    },
    {
      name: 'AWS SDK v3 client without a request handler (the fix is not applied automatically)',
      code: `import { S3Client } from '@aws-sdk/client-s3';\nexport const s3 = new S3Client({ region: 'eu-west-1' });`,
      errors: [{ messageId: 'aws', line: 2, column: 19, endColumn: 56, message: /`new S3Client` has no request timeout/ }],
      output: `import { S3Client } from '@aws-sdk/client-s3';\nexport const s3 = new S3Client({ region: 'eu-west-1', requestHandler: { requestTimeout: ${N}, throwOnRequestTimeout: true } });`,
    },
    {
      name: 'AWS SDK v3 client with no arguments',
      code: `import { SQSClient } from '@aws-sdk/client-sqs';\nexport const sqs = new SQSClient();`,
      errors: [{ messageId: 'aws', line: 2, column: 20, endColumn: 35 }],
      output: `import { SQSClient } from '@aws-sdk/client-sqs';\nexport const sqs = new SQSClient({ requestHandler: { requestTimeout: ${N}, throwOnRequestTimeout: true } });`,
    },
    {
      name: 'AWS SDK v3 request handler without timeouts',
      code: `import * as sqs from '@aws-sdk/client-sqs';\nimport { NodeHttpHandler } from '@smithy/node-http-handler';\nexport const q = new sqs.SQSClient({ requestHandler: new NodeHttpHandler({ httpsAgent: agent }) });`,
      errors: [{ messageId: 'aws', line: 3, column: 38, endColumn: 96 }],
      output: `import * as sqs from '@aws-sdk/client-sqs';\nimport { NodeHttpHandler } from '@smithy/node-http-handler';\nexport const q = new sqs.SQSClient({ requestHandler: new NodeHttpHandler({ httpsAgent: agent, requestTimeout: ${N}, throwOnRequestTimeout: true }) });`,
    },
    {
      name: 'AWS SDK client given a handler from a same-file factory whose every return has no timeout (langfuse StorageService shape)',
      code: `import { S3Client } from '@aws-sdk/client-s3';\nimport { NodeHttpHandler } from '@smithy/node-http-handler';\nfunction createS3RequestHandler(validation) {\n  if (!validation) {\n    return new NodeHttpHandler({ httpsAgent: { maxSockets } });\n  }\n  return new NodeHttpHandler({ httpAgent, httpsAgent });\n}\nexport class Storage {\n  constructor(params) {\n    const requestHandler = createS3RequestHandler(params.validation);\n    this.client = new S3Client({ region: params.region, requestHandler });\n  }\n}`,
      errors: [{ messageId: 'aws', line: 12, column: 57, endColumn: 71 }],
      output: null,
    },
    {
      name: 'AWS SDK client given a same-file const handler without timeouts',
      code: `import { S3Client } from '@aws-sdk/client-s3';\nimport { NodeHttpHandler } from '@smithy/node-http-handler';\nconst handler = new NodeHttpHandler();\nexport const s3 = new S3Client({ requestHandler: handler });`,
      errors: [{ messageId: 'aws', line: 4, column: 34, endColumn: 57 }],
      output: null,
    },
    {
      name: 'https.get whose URL comes from a same-file function returning a template (openpanel download script shape)',
      code: `import https from 'https';\nconst editionUrl = (db) => \`https://raw.example.com/redist/\${db}.tar.gz\`;\nconst request = https.get(editionUrl(db), (res) => res.pipe(out));\nrequest.on('error', reject);`,
      errors: [{ messageId: 'http', line: 3, column: 17, endColumn: 66 }],
      output: `import https from 'https';\nconst editionUrl = (db) => \`https://raw.example.com/redist/\${db}.tar.gz\`;\nconst request = https.get(editionUrl(db), { signal: AbortSignal.timeout(${N}) }, (res) => res.pipe(out));\nrequest.on('error', reject);`,
    },
    {
      name: 'http.get whose URL comes from a call named for a URL (in another module)',
      code: `import http from 'http';\nimport { healthUrl } from './urls';\nhttp.get(healthUrl(host), (res) => res.resume());`,
      errors: [{ messageId: 'http', line: 3, column: 1, endColumn: 49 }],
      output: `import http from 'http';\nimport { healthUrl } from './urls';\nhttp.get(healthUrl(host), { signal: AbortSignal.timeout(${N}) }, (res) => res.resume());`,
    },
    {
      name: 'a client used to presign and also to send requests',
      code: `import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';\nimport { getSignedUrl } from '@aws-sdk/s3-request-presigner';\nconst s3 = new S3Client({ region });\nexport const url = (c) => getSignedUrl(s3, c);\nexport const put = (c) => s3.send(c);`,
      errors: [{ messageId: 'aws', line: 3, column: 12, endColumn: 36 }],
      output: `import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';\nimport { getSignedUrl } from '@aws-sdk/s3-request-presigner';\nconst s3 = new S3Client({ region, requestHandler: { requestTimeout: ${N}, throwOnRequestTimeout: true } });\nexport const url = (c) => getSignedUrl(s3, c);\nexport const put = (c) => s3.send(c);`,
    },
    {
      name: 'an exported client only presigned here: other modules may send with it',
      code: `import { S3Client } from '@aws-sdk/client-s3';\nimport { getSignedUrl } from '@aws-sdk/s3-request-presigner';\nexport const s3 = new S3Client({ region });\nexport const url = (c) => getSignedUrl(s3, c);`,
      errors: [{ messageId: 'aws', line: 3, column: 19, endColumn: 43 }],
      output: `import { S3Client } from '@aws-sdk/client-s3';\nimport { getSignedUrl } from '@aws-sdk/s3-request-presigner';\nexport const s3 = new S3Client({ region, requestHandler: { requestTimeout: ${N}, throwOnRequestTimeout: true } });\nexport const url = (c) => getSignedUrl(s3, c);`,
    },
    {
      name: 'undici request without a signal',
      code: `import { request } from 'undici';\nconst { body } = await request('https://api.example.com/x', { method: 'POST' });`,
      errors: [{ messageId: 'undiciRequest', line: 2, column: 24, endColumn: 80 }],
      output: `import { request } from 'undici';\nconst { body } = await request('https://api.example.com/x', { method: 'POST', signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'undici request with the idle limit switched off',
      code: `import * as undici from 'undici';\nawait undici.request(url, { bodyTimeout: 0 });`,
      errors: [{ messageId: 'timeoutDisabled', line: 2, column: 29, endColumn: 43 }],
      output: `import * as undici from 'undici';\nawait undici.request(url, { bodyTimeout: ${N} });`,
    },
    {
      name: 'undici Pool with headersTimeout 0',
      code: `import { Pool } from 'undici';\nexport const pool = new Pool(origin, { headersTimeout: 0, connections: 4 });`,
      errors: [{ messageId: 'timeoutDisabled', line: 2, column: 40, endColumn: 57 }],
      output: `import { Pool } from 'undici';\nexport const pool = new Pool(origin, { headersTimeout: ${N}, connections: 4 });`,
    },
    {
      name: "http timeout option without a 'timeout' handler",
      code: `import https from 'https';\nhttps.get(url, { timeout: 5000 }, res => res.resume());`,
      errors: [{ messageId: 'httpTimeoutNoHandler', line: 2, column: 1, endColumn: 55, message: /Node only emits the event and never aborts the request/ }],
      output: `import https from 'https';\nhttps.get(url, { timeout: 5000, signal: AbortSignal.timeout(${N}) }, res => res.resume());`,
    },
    {
      name: "http timeout option held in a variable, only an 'error' handler",
      code: `import http from 'http';\nconst req = http.request({ host: 'x', path: '/', timeout: 3000 }, onResponse);\nreq.on('error', console.error);\nreq.end();`,
      errors: [{ messageId: 'httpTimeoutNoHandler', line: 2, column: 13, endColumn: 78 }],
      output: `import http from 'http';\nconst req = http.request({ host: 'x', path: '/', timeout: 3000, signal: AbortSignal.timeout(${N}) }, onResponse);\nreq.on('error', console.error);\nreq.end();`,
    },
  ],
});
