/**
 * The one way a view starts a job: validate the form against the kind's own params schema (the same
 * schema the runner checks), start it, follow it live, and open the view on the new run.
 * Returns the message to show under the form, or null when the job started.
 */
import type { ZodType } from 'zod';
import { api } from './api';
import { live } from './live.svelte';
import { go, type View } from './router.svelte';

export async function startJob(kind: string, schema: ZodType, input: unknown, view: View, name?: string): Promise<string | null> {
  const params = schema.safeParse(input);
  if (!params.success) return params.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  try {
    const { run } = await api.jobsStart({ kind, params: params.data as Record<string, unknown>, ...(name ? { name } : {}) });
    live.remember(run);
    go(view, { run: run.id });
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
