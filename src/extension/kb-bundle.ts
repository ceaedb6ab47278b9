/** Entry of dist/kb.js (see ./lazy.ts): the knowledge base and the YAML parser, loaded on first use. */
export { loadKnowledgeBase } from '../kb/load';
export { parse as parseYaml } from 'yaml';
