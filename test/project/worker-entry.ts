/** A file-pass worker for the tests (the CLI bundle plays this part in production; see src/project/workers.ts). */
import { allRules } from '../../src/rules';
import { isFilePassWorker, serveFilePass } from '../../src/project/workers';

if (isFilePassWorker()) serveFilePass(allRules);
