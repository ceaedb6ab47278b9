/**
 * missing-timeout: classes of code from the round-2 tuning repositories (test/ecosystem, round 2), written in our
 * own words; each keeps only the shape the rule got wrong (or must keep right). Decisions:
 * src/rules/missing-timeout.md ("Round-2 tuning pass").
 */
import { ruleTester } from '../helpers/rule-tester';

const N = 10000;

ruleTester('missing-timeout', {
  valid: [
    // an asset shipped beside the module (an OG-image route's font): resolved against import.meta.url, not a remote server
    {
      name: 'fetch(new URL(relative path, import.meta.url)) in a chain',
      code: `export const font = fetch(\n  new URL('../../public/fonts/Inter.ttf', import.meta.url),\n).then((res) => res.arrayBuffer());`,
    },
    { name: 'a module asset through .href', code: "export const wasm = await fetch(new URL('./engine.wasm', import.meta.url).href);" },
    { name: 'a module asset through a const', code: "const FONT = new URL(`./fonts/${weight}.otf`, import.meta.url);\nexport const load = () => fetch(FONT);" },
    { name: 'a module asset through toString()', code: "export const load = () => fetch(new URL('assets/data.json', import.meta.url).toString());" },
    // an S3 client made in a function only to presign there; `client` in another function of the file is another one
    {
      name: 'presign-only local client beside another function using a client',
      code: "import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';\nimport { getSignedUrl } from '@aws-sdk/s3-request-presigner';\nexport async function sign(key: string) {\n  const client = new S3Client({ region: 'eu-west-1' });\n  return getSignedUrl(client, new GetObjectCommand({ Bucket: 'b', Key: key }), { expiresIn: 60 });\n}\nexport async function read(key: string) {\n  const client = await pooledClient();\n  return client.send(new GetObjectCommand({ Bucket: 'b', Key: key }));\n}",
    },
    // https.get(url, x) with an x that may be options stays unknown
    { name: 'https.get(url, opts) with opaque options', code: "import https from 'node:https';\nexport const get = (url: string, opts: object) => https.get(url, opts);" },
  ],
  invalid: [
    // the resolve of a Promise executor is a function: `https.get(url, res)` passes a callback and no options
    {
      name: 'https.get(url, resolve of the enclosing Promise)',
      code: "import Https from 'node:https';\nexport function confirm(p: { SubscribeURL: string }) {\n  return new Promise((res) => {\n    Https.get(p.SubscribeURL, res);\n  });\n}",
      errors: [{ messageId: 'http', line: 4, column: 5, endLine: 4, endColumn: 35 }],
      output: `import Https from 'node:https';\nexport function confirm(p: { SubscribeURL: string }) {\n  return new Promise((res) => {\n    Https.get(p.SubscribeURL, { signal: AbortSignal.timeout(${N}) }, res);\n  });\n}`,
    },
    {
      name: 'https.get(url, a same-file function)',
      code: "import https from 'node:https';\nfunction onBody(r: unknown) {}\nexport const get = (url: string) => https.get(url, onBody);",
      errors: [{ messageId: 'http', line: 3, column: 37, endLine: 3, endColumn: 59 }],
      output: `import https from 'node:https';\nfunction onBody(r: unknown) {}\nexport const get = (url: string) => https.get(url, { signal: AbortSignal.timeout(${N}) }, onBody);`,
    },
    {
      name: 'a local S3 client that also sends is judged',
      code: "import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';\nimport { getSignedUrl } from '@aws-sdk/s3-request-presigner';\nexport async function both(key: string) {\n  const client = new S3Client({ region: 'x' });\n  await client.send(new GetObjectCommand({ Bucket: 'b', Key: key }));\n  return getSignedUrl(client, new GetObjectCommand({ Bucket: 'b', Key: key }));\n}",
      errors: [{ messageId: 'aws', line: 4, column: 18, endLine: 4, endColumn: 47 }],
      output: `import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';\nimport { getSignedUrl } from '@aws-sdk/s3-request-presigner';\nexport async function both(key: string) {\n  const client = new S3Client({ region: 'x', requestHandler: { requestTimeout: ${N}, throwOnRequestTimeout: true } });\n  await client.send(new GetObjectCommand({ Bucket: 'b', Key: key }));\n  return getSignedUrl(client, new GetObjectCommand({ Bucket: 'b', Key: key }));\n}`,
    },
    // an absolute URL with import.meta.url as the base is the absolute URL: a remote server
    {
      name: 'new URL(absolute URL, import.meta.url) is remote',
      code: "export const load = () => fetch(new URL('https://cdn.example.com/x.json', import.meta.url));",
      errors: [{ messageId: 'fetch', line: 1, column: 27, endLine: 1, endColumn: 92 }],
      output: `export const load = () => fetch(new URL('https://cdn.example.com/x.json', import.meta.url), { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'a template starting with a base URL, against import.meta.url, is remote',
      code: "export const load = (baseUrl: string) => fetch(new URL(`${baseUrl}/fonts/a.ttf`, import.meta.url));",
      errors: [{ messageId: 'fetch', line: 1, column: 42, endLine: 1, endColumn: 99 }],
      output: `export const load = (baseUrl: string) => fetch(new URL(\`\${baseUrl}/fonts/a.ttf\`, import.meta.url), { signal: AbortSignal.timeout(${N}) });`,
    },
    {
      name: 'a relative path against another base is judged',
      code: "export const load = (base: string) => fetch(new URL('./x.json', base));",
      errors: [{ messageId: 'fetch', line: 1, column: 39, endLine: 1, endColumn: 71 }],
      output: `export const load = (base: string) => fetch(new URL('./x.json', base), { signal: AbortSignal.timeout(${N}) });`,
    },
  ],
});
