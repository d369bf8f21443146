// CPU seconds per role while a bench phase runs, read from /proc: the worker, the simulator, the
// Temporal dev server, PostgreSQL and everything else. On a shared 2-core machine this tells which
// process a phase was waiting for, which wall time alone cannot.
import { readdir, readFile } from 'node:fs/promises';

const TICKS_PER_SECOND = 100;

export interface CpuRoles {
  worker?: number | undefined;
  simulator?: number | undefined;
  temporal?: number | undefined;
  /** This bench process (raw load runs here). */
  bench?: number | undefined;
}

interface ProcessTicks {
  comm: string;
  ticks: number;
}

async function processTicks(): Promise<Map<number, ProcessTicks>> {
  const out = new Map<number, ProcessTicks>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // comm is in parentheses and may hold spaces; the fields after it are space separated.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // utime and stime are fields 14 and 15 of stat(5), i.e. 11 and 12 after the state field.
      out.set(Number(entry), { comm, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended between readdir and readFile.
    }
  }
  return out;
}

/** Busy ticks of the whole machine, and the part of them the hypervisor gave to other guests (steal). */
async function machineBusyTicks(): Promise<{ busy: number; steal: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return {
    busy: [user, nice, system, irq, softirq, steal].reduce<number>((sum, value) => sum + (value ?? 0), 0),
    steal: steal ?? 0,
  };
}

export interface CpuSnapshot {
  processes: Map<number, ProcessTicks>;
  busy: number;
  steal: number;
}

export async function cpuSnapshot(): Promise<CpuSnapshot> {
  return { processes: await processTicks(), ...(await machineBusyTicks()) };
}

export type CpuSeconds = Record<
  'worker' | 'simulator' | 'temporal' | 'postgres' | 'bench' | 'other' | 'steal' | 'machine',
  number
>;

/** CPU seconds spent between two snapshots, split by role. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot, roles: CpuRoles): CpuSeconds {
  const seconds: CpuSeconds = {
    worker: 0,
    simulator: 0,
    temporal: 0,
    postgres: 0,
    bench: 0,
    other: 0,
    steal: 0,
    machine: 0,
  };
  const roleOf = new Map<number, keyof CpuRoles>();
  for (const [role, pid] of Object.entries(roles) as [keyof CpuRoles, number | undefined][])
    if (pid !== undefined) roleOf.set(pid, role);
  let counted = 0;
  for (const [pid, now] of after.processes) {
    const then = before.processes.get(pid);
    const ticks = now.ticks - (then && then.comm === now.comm ? then.ticks : 0);
    if (ticks <= 0) continue;
    const role = roleOf.get(pid) ?? (now.comm === 'postgres' ? 'postgres' : 'other');
    seconds[role] += ticks / TICKS_PER_SECOND;
    counted += ticks;
  }
  seconds.machine = (after.busy - before.busy) / TICKS_PER_SECOND;
  // Time the hypervisor ran other guests on our cores: no process of ours was slow, the machine was.
  seconds.steal = (after.steal - before.steal) / TICKS_PER_SECOND;
  // Processes that ended during the phase (short PostgreSQL backends, tools) and interrupt work are
  // only in the total.
  seconds.other += Math.max(0, seconds.machine - seconds.steal - counted / TICKS_PER_SECOND);
  for (const key of Object.keys(seconds) as (keyof CpuSeconds)[])
    seconds[key] = Math.round(seconds[key] * 10) / 10;
  return seconds;
}

export function formatCpu(cpu: CpuSeconds): string {
  return `worker ${cpu.worker} s, simulator ${cpu.simulator} s, PostgreSQL ${cpu.postgres} s, Temporal ${cpu.temporal} s, bench ${cpu.bench} s, other ${cpu.other} s, steal ${cpu.steal} s (machine ${cpu.machine} s)`;
}
