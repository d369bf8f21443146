// The fleet's simulator: one process serving every environment, so its memory and CPU are not
// counted as a worker's or the bench driver's. Options come as one JSON argument; prints its URL
// when ready (environment `id` is under `{url}/{id}`; one short line, so it arrives in one chunk).
import { startSimulatorFleet, type SimulatorFleetOptions } from '../../src/simulator/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorFleetOptions;
const fleet = await startSimulatorFleet(options);
process.stdout.write(`${JSON.stringify({ url: fleet.url, environments: fleet.environments.length })}\n`);
const stop = () => {
  void fleet.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
