/** `skipvit models list`: workspace models and the read-only demo models. */
import { localCaller } from '../../app/api/local-client';
import { openStudioApi } from '../../app/api/open';
import { resolveWorkspaceDir } from '../../app/workspace/location';
import { UsageError } from '../args';
import { defineCommand } from '../command';
import { table } from '../output';

export const command = defineCommand('skipvit models list', {}, async (args, io) => {
  const [action, ...extra] = args.positionals;
  if (action !== 'list' || extra.length > 0) throw new UsageError('usage: skipvit models list');
  const api = openStudioApi({ workspaceDir: resolveWorkspaceDir(args.flags.workspace as string | undefined) });
  const { models } = await localCaller(api.dispatch)('modelsList', {});
  io.result({ models }, () =>
    models.length === 0
      ? `no models in ${api.workspace.root}`
      : table(
          ['id', 'kind', 'dataset', 'preset', 'accuracy', 'source', 'name'],
          models.map((m) => [m.id, m.kind, m.dataset ?? '', m.preset ?? '', m.metrics.accuracy?.toFixed(4) ?? '', m.complete ? m.source : `${m.source}, incomplete`, m.name]),
        ),
  );
  return 0;
});
