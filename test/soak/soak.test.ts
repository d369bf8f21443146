// A short seeded soak in CI: 60 s of chaos (worker SIGKILLs, PostgreSQL and Temporal restarts,
// AFAS faults, data mutations) against a private PostgreSQL cluster and its own Temporal server,
// then every table must equal the simulator exactly. A failure prints the seed to replay it with
// `npm run soak -- --seed <seed> --minutes 1`. A minute plans every kind of fault at least once
// (13 events; 75 s planned 14, a second worker kill, for 15 s more of a serial run).
import { describe, expect, inject, it } from 'vitest';
import { formatReport } from '../../tools/soak/report.js';
import { runSoak } from '../../tools/soak/soak.js';

const SEED = Number(process.env.AFAS_SYNC_SOAK_SEED ?? 20_261_121);

describe('soak', () => {
  it(
    `survives seeded chaos with every table equal to AFAS (seed ${SEED})`,
    async () => {
      const log: string[] = [];
      const report = await runSoak(
        {
          seed: SEED,
          minutes: 1,
          sources: 3,
          linesPerYear: 300,
          historicalImport: true,
          distDir: inject('distDir'),
        },
        (line) => log.push(line),
      );
      const summary = formatReport(report);
      // Where the time went (chaos, settle, total), also when it passes.
      console.log(summary);
      expect(report.problems, `${summary}\n${log.join('\n')}`).toEqual([]);
      expect(report.mismatches).toEqual([]);
      expect(report.rowsVerified).toBeGreaterThan(5_000);
      expect(report.datasetsVerified).toBe(30);
      expect(report.stuckWorkflows).toEqual([]);
      expect(report.secrets.findings).toEqual([]);
      expect(report.secrets.checked.histories).toBeGreaterThan(10);
      expect(report.secrets.checked.metricsBytes).toBeGreaterThan(0);
      // Every kind of fault was carried out at least once.
      for (const kind of Object.keys(report.planned)) {
        expect(report.injected[kind as keyof typeof report.injected], `${kind} injected`).toBeGreaterThan(0);
      }
      expect(report.worker.plannedKills).toBeGreaterThan(0);
      expect(report.worker.crashes).toBe(0);
    },
    10 * 60_000,
  );
});
