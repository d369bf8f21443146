// `npm run bench:afas [-- --rows N]`: how fast the AFAS client reads journal lines from the
// simulator (running in its own process): pages/s, rows/s and this process's peak RSS.
import { parseArgs } from 'node:util';
import { AfasClient, where } from '../../src/afas/index.js';
import { SIMULATOR_SCRIPT, startNode } from './processes.js';

const TOKEN = 'AFA5BE4C0123456789ABCDEFAFA5BE4C0123456789ABCDEFAFA5BE4C01234567';
const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, concurrency: { type: 'string', default: '4' } },
});
const rows = Number(values.rows);
const concurrency = Number(values.concurrency);
if (
  !Number.isInteger(rows) ||
  rows < 1 ||
  !Number.isInteger(concurrency) ||
  concurrency < 1 ||
  concurrency > 5
) {
  process.stderr.write('bench:afas: --rows must be a positive whole number and --concurrency 1..5\n');
  process.exit(2);
}
const years = [2023, 2024, 2025];
const administrations = [1, 2, 3];
const linesPerYear = Math.ceil(rows / (years.length * administrations.length));
const sim = await startNode(
  SIMULATOR_SCRIPT,
  [
    JSON.stringify({
      seed: 9,
      administrations: administrations.length,
      years,
      linesPerYear,
      tokens: [{ token: TOKEN }],
    }),
  ],
  {},
  /"baseUrl"/,
);
const { baseUrl } = JSON.parse(sim.readyLine) as { baseUrl: string };
const client = new AfasClient({ environmentId: '1', environmentType: 'test', baseUrl, token: TOKEN });
try {
  const columns = (await client.describeGetConnector('Profit_Transactions')).fields.length;
  const partitions = administrations.flatMap((administration) =>
    years.map((year) => ({ administration, year })),
  );
  let read = 0;
  let pages = 0;
  let requestMs = 0;
  let parseMs = 0;
  let peakRss = process.memoryUsage().rss;
  const started = performance.now();
  const reader = async () => {
    for (let next = partitions.shift(); next; next = partitions.shift()) {
      for await (const page of client.pages('Profit_Transactions', {
        orderBy: ['UnitId', 'EntryNo', 'SeqNo'],
        columns,
        filter: where.and(where.eq('UnitId', next.administration), where.eq('Year', next.year)),
      })) {
        read += page.parse().length;
        pages += 1;
        requestMs += page.requestMs;
        parseMs += page.parseMs;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, reader));
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    [
      `AFAS client read: ${read.toLocaleString('en')} journal lines, ${pages} pages, ${concurrency} concurrent partitions`,
      `  ${(pages / seconds).toFixed(1)} pages/s, ${Math.round(read / seconds).toLocaleString('en')} rows/s, ${seconds.toFixed(1)} s`,
      `  mean request ${(requestMs / pages).toFixed(0)} ms, mean parse ${(parseMs / pages).toFixed(1)} ms per page`,
      `  peak RSS of the reading process ${(peakRss / 1024 / 1024).toFixed(0)} MB`,
      '',
    ].join('\n'),
  );
} finally {
  await client.close();
  await sim.stop();
}
