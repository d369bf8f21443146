// The benchmark's simulator, in its own process so its memory and CPU are not counted as the
// worker's or the bench driver's. Options come as one JSON argument; prints the URL when ready.
import { startSimulator, type SimulatorOptions } from '../../src/simulator/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorOptions;
const sim = await startSimulator(options);
process.stdout.write(`${JSON.stringify({ url: sim.url, baseUrl: sim.baseUrl })}\n`);
const stop = () => {
  void sim.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
