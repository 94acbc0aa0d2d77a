/**
 * A local `node:http` server on 127.0.0.1:0 that records every request and answers with whatever
 * the test queued. Started and closed by each test file.
 */
import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type Reply =
  | { readonly status: number; readonly body?: string; readonly json?: unknown; readonly headers?: Record<string, string> }
  | ((req: RecordedRequest, raw: IncomingMessage, res: ServerResponse) => void);

export class HttpStub {
  readonly requests: RecordedRequest[] = [];
  private readonly replies: Reply[] = [];
  private fallback: Reply = { status: 500, body: 'no reply queued' };
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(rec);
      const reply = this.replies.shift() ?? this.fallback;
      if (typeof reply === 'function') {
        reply(rec, req, res);
        return;
      }
      const text = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.body ?? '');
      res.writeHead(reply.status, {
        'content-type': reply.json !== undefined ? 'application/json' : 'text/html',
        ...reply.headers,
      });
      res.end(text);
    });
  });

  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  /** Queues replies, answered in order. */
  reply(...r: Reply[]): this {
    this.replies.push(...r);
    return this;
  }

  json(status: number, json: unknown): this {
    return this.reply({ status, json });
  }

  setFallback(r: Reply): void {
    this.fallback = r;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
