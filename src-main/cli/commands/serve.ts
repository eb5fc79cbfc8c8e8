/**
 * `skipvit serve`: the headless studio. Prints `http://127.0.0.1:PORT/?token=...` as its first stdout
 * line (with --json, one JSON object carrying `url`), serves the API, the event socket and the built
 * renderer, and runs jobs until Ctrl-C; running jobs then end interrupted and can be resumed.
 */
import path from 'node:path';
import { openStudioApi } from '../../app/api/open';
import { newToken } from '../../app/server/auth';
import { isLoopback, startServer } from '../../app/server/http-server';
import { findShipped, resolveWorkspaceDir } from '../../app/workspace/location';
import { defineCommand } from '../command';
import { UsageError } from '../args';

export const command = defineCommand(
  'skipvit serve [--host H] [--port N] [--workspace DIR]',
  {
    host: { type: 'string', help: 'interface to bind; anything but loopback is reachable from the network', default: '127.0.0.1' },
    port: { type: 'number', help: 'TCP port; 0 picks a free one', default: 8470 },
    'max-heavy': { type: 'number', help: 'heavy jobs (training, benchmarks, searches) at once', default: 1 },
  },
  async (args, io) => {
    const host = String(args.flags.host);
    const port = Number(args.flags.port);
    const maxHeavy = Number(args.flags['max-heavy']);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${port} is not a TCP port`);
    if (!Number.isInteger(maxHeavy) || maxHeavy < 1) throw new UsageError('--max-heavy must be a positive integer');
    if (args.flags.backend !== 'auto') process.env.SKIPVIT_BACKEND = String(args.flags.backend);
    const api = openStudioApi({ workspaceDir: resolveWorkspaceDir(args.flags.workspace as string | undefined), maxHeavy });
    const token = newToken();
    let server;
    try {
      server = await startServer({ dispatch: api.dispatch, token, host, port, rendererDir: findShipped(path.join('out', 'renderer')) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is in use; pass --port 0 for a free one`);
      throw err;
    }
    process.stdout.write((io.json ? JSON.stringify({ url: server.url, host, port: server.port, workspace: api.workspace.root }) : server.url) + '\n');
    if (!isLoopback(host)) {
      io.log(`warning: serving on ${host}, reachable from the network without TLS; the token in the URL is the only protection`);
    }
    io.log(`workspace ${api.workspace.root}`);
    if (api.repair.interrupted.length > 0) io.log(`marked ${api.repair.interrupted.length} stale run(s) interrupted: ${api.repair.interrupted.join(', ')}`);
    io.log('press Ctrl-C to stop');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    io.log('stopping');
    await server.close();
    await api.close();
    return 0;
  },
);
