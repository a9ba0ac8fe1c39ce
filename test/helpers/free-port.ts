import { createServer } from 'node:net';

/** A loopback port nobody uses right now, for a child process to listen on (port 0 would hide the real one inside the child). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
