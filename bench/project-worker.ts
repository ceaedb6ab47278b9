/** Worker entry for bench/project.ts (worker threads run this module), and `--rss <root> <dirs...>`: peak RSS of one run. */
import { allRules } from '../src/rules';
import { isFilePassWorker, serveFilePass } from '../src/project/workers';

if (isFilePassWorker()) serveFilePass(allRules);
else if (process.argv[2] === '--rss') {
  void (async () => {
    const { defaultConfig } = await import('../src/core/config');
    const { discoverFiles } = await import('../src/core/files');
    const { analyzeProject } = await import('../src/project/analyze');
    const [root, ...dirs] = process.argv.slice(3);
    const config = defaultConfig(root);
    await analyzeProject(discoverFiles(dirs, root, config).files, { config, rules: allRules });
    console.log(`RSS_MB ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}`);
  })();
}
