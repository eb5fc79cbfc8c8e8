/** The jobs' result documents, defined once in core/results.ts (pure zod): the renderer takes them from here. */
export * from '../../core/results';
