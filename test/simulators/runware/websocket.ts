import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RunwareTasks } from './tasks.js';

/**
 * Runware's WebSocket transport (PROTOCOLS §3.1, §3.6), the one @runware/sdk-js speaks: each message is
 * a JSON array of tasks, the first must be `authentication`; answers are `{data}` or `{errors}` objects.
 */
export async function startRunwareWebSocket(tasks: RunwareTasks, apiKey: string, listenPort = 0): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: listenPort });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (socket) => {
    let authenticated = false;
    socket.on('message', (raw) => {
      let batch: unknown;
      try {
        batch = JSON.parse(raw.toString());
      } catch {
        return send(socket, { errors: [{ code: 'invalidJSON', message: 'Messages must be JSON arrays of tasks.' }] });
      }
      if (!Array.isArray(batch)) return send(socket, { errors: [{ code: 'invalidPayload', message: 'The message must be an array of task objects.' }] });
      for (const task of batch as Record<string, unknown>[]) {
        if (task.taskType === 'ping') {
          send(socket, { data: [{ taskType: 'ping', pong: true }] });
        } else if (task.taskType === 'authentication') {
          authenticated = task.apiKey === apiKey;
          send(
            socket,
            authenticated
              ? { data: [{ taskType: 'authentication', connectionSessionUUID: randomUUID() }] }
              : { errors: [{ code: 'invalidApiKey', message: 'Invalid API key. Get one at https://my.runware.ai', parameter: 'apiKey', taskType: 'authentication' }] },
          );
        } else if (!authenticated) {
          send(socket, { errors: [{ code: 'unauthenticated', message: 'Send an authentication task first.', taskType: String(task.taskType), taskUUID: String(task.taskUUID) }] });
        } else {
          const answer = tasks.run(task);
          send(socket, answer.errors.length ? { data: answer.data, errors: answer.errors } : { data: answer.data });
        }
      }
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

function send(socket: WebSocket, message: object) {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}
