/** Knowledge base: loading, lunr search and rendering. Never imports `vscode`. */
export * from './types';
export { loadKnowledgeBase, precheckTeamCode, defaultKbPath, loadMarkdownDir, KbLoadError, DEFAULT_POSTMORTEM_DIR, type KnowledgeBase, type LoadOptions } from './load';
export { renderMarkdown, renderEntry, renderPage, exportStaticSite, sanitizeFragment, escapeHtml, type RenderOptions } from './render';
export { queryTerms, searchSegments } from './search';
export { splitFrontMatter, validateEntry, checkReferences, extractCodeBlocks, extractKbLinks, addBacklinks, type RuleMeta, type CodeBlock } from './schema';
export { markdownToPlainText } from './text';
export { buildLunrIndex, toDocument } from './indexer';
