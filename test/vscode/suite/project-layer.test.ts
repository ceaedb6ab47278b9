// Issue 13 item 5 in a real VS Code: an open handler whose finding comes from a service in another file follows the
// service. Editing and saving the service (an upsert instead of the insert; the insert back) re-evaluates the open
// handler's diagnostics, the handler untouched; so does a change on disk while the service is closed (the watcher).
// The files are written at run time into their own folder (the fixture's counts stay as the other tests expect) and
// removed after.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXT_ID, file, ours, rangeOf, waitFor } from './helpers';
import type { IncidentLensApi } from '../../../src/extension/extension';

const DIR = 'src/orders-cross';
const HANDLER = `import { createOrder } from './service';

export async function POST(request: Request) {
  const body = await request.json();
  return Response.json(await createOrder(body), { status: 201 });
}
`;
const INSERT = 'prisma.order.create({ data: input })';
const UPSERT = 'prisma.order.upsert({ where: { id: input.id }, create: input, update: input })';
const SERVICE = `import { prisma } from './db';

export async function createOrder(input: { id: string; total: number }) {
  return ${INSERT};
}
`;
const DB = `import { PrismaClient } from '@prisma/client';
export const prisma = new PrismaClient();
`;
const MESSAGE = 'a client retry of this POST inserts a duplicate row: `prisma.order.create` in `service.ts` (via `createOrder()`) runs with no idempotency key or dedup check';

suite('Project layer: an open handler follows the service it calls', () => {
  const handler = file(`${DIR}/route.ts`), service = file(`${DIR}/service.ts`), db = file(`${DIR}/db.ts`);
  const finding = () => ours(handler).filter(d => d.code && (d.code as { value: string }).value === 'non-idempotent-handler');

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(file(DIR), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  test('editing and saving the service re-evaluates the open handler (upsert: gone; insert back: back; removed on disk: gone)', async () => {
    // (activates the extension when this suite runs alone: MOCHA_GREP)
    const api = await vscode.extensions.getExtension<IncidentLensApi>(EXT_ID)!.activate();
    await api.indexReady();
    await vscode.workspace.fs.writeFile(db, Buffer.from(DB));
    await vscode.workspace.fs.writeFile(service, Buffer.from(SERVICE));
    await vscode.workspace.fs.writeFile(handler, Buffer.from(HANDLER));
    const svcDoc = await vscode.workspace.openTextDocument(service);
    await vscode.window.showTextDocument(svcDoc, vscode.ViewColumn.One);
    const hDoc = await vscode.workspace.openTextDocument(handler);
    await vscode.window.showTextDocument(hDoc, vscode.ViewColumn.Two);

    // the finding sits on the handler, its effect in the service
    const d = await waitFor('the handler finding from the service', () => finding()[0]);
    assert.strictEqual(d.message, MESSAGE);
    assert.deepStrictEqual(rangeOf(d), [2, 22, 2, 26]);
    assert.deepStrictEqual(d.relatedInformation?.map(r => [vscode.workspace.asRelativePath(r.location.uri), ...rangeOf({ range: r.location.range } as vscode.Diagnostic)]),
      [[`${DIR}/service.ts`, 3, 9, 3, 45]]);
    const handlerVersion = hDoc.version;

    const editService = async (from: string, to: string) => {
      const start = svcDoc.positionAt(svcDoc.getText().indexOf(from));
      const edit = new vscode.WorkspaceEdit();
      edit.replace(service, new vscode.Range(start, start.translate(0, from.length)), to);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await svcDoc.save());
    };

    // the insert becomes an upsert (a retry converges): the handler's finding goes
    await editService(INSERT, UPSERT);
    await waitFor('the handler finding gone after the upsert', () => finding().length === 0);
    // the insert back: the finding comes back, the same
    await editService(UPSERT, INSERT);
    const back = await waitFor('the handler finding back with the insert', () => finding()[0]);
    assert.strictEqual(back.message, MESSAGE);
    assert.deepStrictEqual(rangeOf(back), [2, 22, 2, 26]);
    // the handler was never edited
    assert.strictEqual(hDoc.version, handlerVersion);
    assert.strictEqual(hDoc.isDirty, false);

    // the service closed and changed on disk (a checkout, another tool): the watcher re-indexes it, the handler follows
    await vscode.window.showTextDocument(svcDoc, vscode.ViewColumn.One);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.workspace.fs.writeFile(service, Buffer.from(SERVICE.replace(`return ${INSERT};`, 'return input;')));
    await waitFor('the handler finding gone after the insert was removed on disk', () => finding().length === 0);
    assert.strictEqual(hDoc.version, handlerVersion);
  });
});
