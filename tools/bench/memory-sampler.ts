// Samples a worker's memory through its /metrics endpoint while the bench runs, so a peak RSS can
// be split into V8 heap, memory outside the heap (Buffers) and the rest (native: Temporal core,
// code, thread stacks).

const METRICS = {
  rss: 'process_resident_memory_bytes',
  heapUsed: 'nodejs_heap_size_used_bytes',
  heapTotal: 'nodejs_heap_size_total_bytes',
  external: 'nodejs_external_memory_bytes',
} as const;

export type MemorySample = Record<keyof typeof METRICS, number>;

export interface MemorySampler {
  /** Stops sampling; returns the sample taken at the highest RSS and the highest of each figure. */
  stop(): Promise<{ atPeakRss: MemorySample | null; maxima: MemorySample; samples: number }>;
}

function parse(text: string): MemorySample | null {
  const sample: Partial<MemorySample> = {};
  for (const line of text.split('\n')) {
    for (const [key, name] of Object.entries(METRICS) as [keyof MemorySample, string][]) {
      if (line.startsWith(`${name} `)) sample[key] = Number(line.slice(name.length + 1).split(' ')[0]);
    }
  }
  return Object.keys(METRICS).every((key) => Number.isFinite(sample[key as keyof MemorySample]))
    ? (sample as MemorySample)
    : null;
}

// Once a second: each sample costs the worker a /metrics render (and Temporal's exporter a scrape),
// and the peak itself comes from VmHWM; the samples only split it up.
export function sampleMemory(metricsUrl: string, everyMs = 1000): MemorySampler {
  const maxima: MemorySample = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0 };
  let atPeakRss: MemorySample | null = null;
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const response = await fetch(metricsUrl);
        const sample = parse(await response.text());
        if (sample) {
          samples += 1;
          for (const key of Object.keys(maxima) as (keyof MemorySample)[])
            maxima[key] = Math.max(maxima[key], sample[key]);
          if (!atPeakRss || sample.rss > atPeakRss.rss) atPeakRss = sample;
        }
      } catch {
        // The worker may be busy or stopping; the next sample will tell.
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { atPeakRss, maxima, samples };
    },
  };
}

export function formatMemory(sample: MemorySample | null): string {
  if (!sample) return 'no samples';
  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
  const native = sample.rss - sample.heapTotal - sample.external;
  return `RSS ${mb(sample.rss)} = V8 heap ${mb(sample.heapTotal)} (used ${mb(sample.heapUsed)}) + external ${mb(sample.external)} + native/other ${mb(native)}`;
}
