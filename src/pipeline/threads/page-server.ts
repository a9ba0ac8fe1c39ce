/**
 * The thread side of the threaded page OCR: pages come in as messages (`page`, `abort`), go through a
 * PageOcr of this thread, and their result or error goes back. An abort message aborts the page's
 * own signal, so cancellation reaches the pipeline as it does in one thread.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ProcessOptions } from '../../contract/input.ts';
import type { RawImage } from '../../image/raw-image.ts';
import type { PageOcr, PageResult } from '../page-ocr.ts';
import { errorToWire, type WireError } from './wire.ts';
import { post } from './post.ts';

export type PageRequest =
  | { type: 'page'; id: number; image: RawImage; options: ProcessOptions }
  | { type: 'abort'; id: number };

export type PageReply = { type: 'page'; id: number; result: PageResult } | { type: 'page'; id: number; error: WireError };

export function servePages(port: MessagePort, ocr: PageOcr): void {
  const running = new Map<number, AbortController>();
  port.on('message', (msg: PageRequest | { type: string }) => {
    if (msg.type === 'abort') return running.get((msg as { id: number }).id)?.abort();
    if (msg.type !== 'page') return;
    const { id, image, options } = msg as Extract<PageRequest, { type: 'page' }>;
    const controller = new AbortController();
    running.set(id, controller);
    ocr.processPage(image, options, controller.signal).then(
      (result) => post(port, { type: 'page', id, result } satisfies PageReply),
      (err: unknown) => post(port, { type: 'page', id, error: errorToWire(err) } satisfies PageReply),
    ).finally(() => running.delete(id));
  });
}
