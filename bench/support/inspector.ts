// A full garbage collection in another Node process, through its DevTools inspector (started with
// `--inspect=127.0.0.1:0`), so its heap is measured without garbage and without changing its code.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import WebSocket from 'ws';

export async function collectGarbage(inspectorUrl: string): Promise<void> {
  const socket = new WebSocket(inspectorUrl);
  try {
    await once(socket, 'open');
    const answered = new Promise<void>((resolve, reject) => {
      socket.on('message', (data) => {
        const reply = JSON.parse(String(data)) as { id?: number; error?: { message: string } };
        if (reply.id !== 1) return;
        if (reply.error) reject(new Error(`HeapProfiler.collectGarbage: ${reply.error.message}`));
        else resolve();
      });
      socket.on('error', reject);
    });
    socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    await answered;
  } finally {
    socket.close();
  }
}

/**
 * Writes a heap snapshot of another Node process (started with `--inspect`) to `path`, in the
 * `.heapsnapshot` format Chrome DevTools opens (Memory tab) and `npm run bench:heap-diff` compares.
 * The snapshot itself collects garbage first.
 */
export async function writeHeapSnapshot(inspectorUrl: string, path: string): Promise<void> {
  const socket = new WebSocket(inspectorUrl, { maxPayload: 1024 * 1024 * 1024 });
  const out = createWriteStream(path);
  try {
    await once(socket, 'open');
    const done = new Promise<void>((resolve, reject) => {
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as {
          id?: number;
          method?: string;
          params?: { chunk: string };
          error?: { message: string };
        };
        if (message.method === 'HeapProfiler.addHeapSnapshotChunk') out.write(message.params!.chunk);
        else if (message.id === 1) {
          if (message.error) reject(new Error(`HeapProfiler.takeHeapSnapshot: ${message.error.message}`));
          else resolve();
        }
      });
      socket.on('error', reject);
    });
    socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.takeHeapSnapshot', params: {} }));
    await done;
  } finally {
    socket.close();
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}
