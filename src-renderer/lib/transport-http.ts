/**
 * The `skipvit serve` transport: every call is `POST /api/<call>` with the token as a Bearer header;
 * subscriptions live on one WebSocket (`/api/socket`), which reconnects with back-off and re-subscribes
 * what was open, so a restarted server or a dropped connection only delays events.
 */
import { CALL_NAMES, SOCKET_CALLS, type CallName } from '../../src-main/app/contract/calls';
import {
  HTTP_API_PREFIX,
  WS_PATH,
  type ApiClient,
  type ApiResult,
  type EventEnvelope,
  type JobEvent,
  type WsServerFrame,
} from '../../src-main/app/contract/api';

type Result = ApiResult<unknown>;

interface Subscription {
  input: unknown;
  listener: (event: JobEvent) => void;
  /** The id the server knows it by on the current socket; null while (re)subscribing. */
  serverId: string | null;
}

const unreachable = (why: string): Result => ({
  ok: false,
  error: { code: 'internal', message: `the studio server cannot be reached (${why}); is \`skipvit serve\` still running?` },
});

export function connectHttp(origin: string, token: string): ApiClient {
  const post = async (call: CallName, input: unknown): Promise<Result> => {
    let res: Response;
    try {
      res = await fetch(origin + HTTP_API_PREFIX + call, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
      });
    } catch (err) {
      return unreachable((err as Error).message);
    }
    try {
      return (await res.json()) as Result;
    } catch {
      return unreachable(`HTTP ${res.status} without a JSON body`);
    }
  };

  // ---- the socket
  const wsUrl = origin.replace(/^http/, 'ws') + WS_PATH + '?token=' + encodeURIComponent(token);
  let socket: WebSocket | null = null;
  let open: Promise<WebSocket> | null = null;
  let nextId = 1;
  let backoffMs = 250;
  const pending = new Map<number, (r: Result) => void>();
  const subs = new Map<string, Subscription>();
  /** Events that arrived before the server's reply named their subscription. */
  const early = new Map<string, JobEvent[]>();
  let logicalIds = 0;

  const byServerId = (id: string) => [...subs.values()].find((s) => s.serverId === id);

  const connect = (): Promise<WebSocket> => {
    open ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      ws.onopen = () => {
        socket = ws;
        backoffMs = 250;
        resolve(ws);
      };
      ws.onmessage = (msg) => {
        const frame = JSON.parse(String(msg.data)) as WsServerFrame;
        if (frame.type === 'result') {
          pending.get(frame.id)?.(frame.result);
          pending.delete(frame.id);
          return;
        }
        const envelope: EventEnvelope = frame;
        const sub = byServerId(envelope.subscriptionId);
        if (sub) sub.listener(envelope.event);
        else early.set(envelope.subscriptionId, [...(early.get(envelope.subscriptionId) ?? []), envelope.event].slice(-1000));
      };
      ws.onclose = () => {
        const wasOpen = socket === ws;
        socket = null;
        open = null;
        for (const done of pending.values()) done(unreachable('the event socket closed'));
        pending.clear();
        early.clear();
        if (!wasOpen) reject(new Error('the event socket could not be opened'));
        if (subs.size > 0) {
          for (const s of subs.values()) s.serverId = null;
          setTimeout(resubscribe, backoffMs);
          backoffMs = Math.min(backoffMs * 2, 10_000);
        }
      };
    });
    return open;
  };

  const send = async (call: CallName, input: unknown): Promise<Result> => {
    let ws: WebSocket;
    try {
      ws = await connect();
    } catch (err) {
      return unreachable((err as Error).message);
    }
    const id = nextId++;
    return new Promise<Result>((resolve) => {
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, call, input: input ?? {} }));
    });
  };

  const attach = async (sub: Subscription): Promise<Result> => {
    const result = await send('jobsSubscribe', sub.input);
    if (result.ok) {
      sub.serverId = (result.data as { subscriptionId: string }).subscriptionId;
      for (const event of early.get(sub.serverId) ?? []) sub.listener(event);
      early.delete(sub.serverId);
    }
    return result;
  };

  async function resubscribe(): Promise<void> {
    for (const sub of subs.values()) if (sub.serverId === null) await attach(sub);
  }

  const client: Record<string, unknown> = {};
  for (const call of CALL_NAMES) {
    if (!SOCKET_CALLS.includes(call)) client[call] = (input: unknown) => post(call, input);
  }
  client.jobsSubscribe = async (input: unknown, listener: (event: JobEvent) => void): Promise<Result> => {
    const sub: Subscription = { input, listener, serverId: null };
    const result = await attach(sub);
    if (!result.ok) return result;
    const logical = `sub-${++logicalIds}`;
    subs.set(logical, sub);
    return { ok: true, data: { subscriptionId: logical } };
  };
  client.jobsUnsubscribe = async (input: { subscriptionId: string }): Promise<Result> => {
    const sub = subs.get(input.subscriptionId);
    subs.delete(input.subscriptionId);
    if (!sub?.serverId || !socket) return { ok: true, data: { unsubscribed: sub !== undefined } };
    return send('jobsUnsubscribe', { subscriptionId: sub.serverId });
  };
  return client as unknown as ApiClient;
}
