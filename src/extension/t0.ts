/** Imported first by extension.ts: the time the bundle started evaluating (module-load part of activation). */
export const MODULE_T0 = performance.now();
