import { createServer } from 'node:net';
import { CliFailure } from '../errors.js';

/** Fails with one line when something already listens on the port (e.g. another dev server). */
export async function assertPortFree(port: number, option: string, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new CliFailure(
          error.code === 'EADDRINUSE'
            ? `port ${port} is already in use (another Temporal dev server?); choose another with ${option}`
            : `cannot use port ${port} (${option}): ${error.message}`,
        ),
      );
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
