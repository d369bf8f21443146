// The worker's garbage-collection time by kind (minor = scavenge, major = mark-compact,
// incremental = incremental marking, weakcb = weak callbacks), read from prom-client's
// `nodejs_gc_duration_seconds` in its /metrics, so a run shows what its garbage costs.

export interface GcKind {
  seconds: number;
  count: number;
}

export type GcTimes = Record<string, GcKind>;

const LINE = /^nodejs_gc_duration_seconds_(sum|count)\{kind="([a-z]+)"\} ([0-9.e+-]+)$/;

export function parseGcTimes(metrics: string): GcTimes {
  const times: GcTimes = {};
  for (const line of metrics.split('\n')) {
    const match = LINE.exec(line.trim());
    if (!match) continue;
    const [, which, kind, value] = match as unknown as [string, 'sum' | 'count', string, string];
    const entry = (times[kind] ??= { seconds: 0, count: 0 });
    if (which === 'sum') entry.seconds = Number(value);
    else entry.count = Number(value);
  }
  return times;
}

export async function gcTimes(metricsUrl: string): Promise<GcTimes> {
  const response = await fetch(metricsUrl);
  return parseGcTimes(await response.text());
}

/** What was collected between two readings. */
export function gcBetween(before: GcTimes, after: GcTimes): GcTimes {
  return Object.fromEntries(
    Object.entries(after).map(([kind, entry]) => [
      kind,
      {
        seconds: Math.round((entry.seconds - (before[kind]?.seconds ?? 0)) * 100) / 100,
        count: entry.count - (before[kind]?.count ?? 0),
      },
    ]),
  );
}

export function formatGcTimes(times: GcTimes): string {
  const kinds = Object.entries(times).filter(([, entry]) => entry.count > 0);
  if (kinds.length === 0) return 'no collections reported';
  return kinds.map(([kind, entry]) => `${kind} ${entry.seconds.toFixed(2)} s (${entry.count})`).join(', ');
}
