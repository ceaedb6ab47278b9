// `npm start`: analyse the bundled example service and print its findings with the incidents they resemble.
// Findings are the point of the demo, so exit 0 unless the CLI itself failed (exit 2).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const r = spawnSync(process.execPath, [path.join(root, 'bin/incident-lens.js'), 'check', 'examples', '--explain', ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(r.status === 2 || r.status === null ? 2 : 0);
