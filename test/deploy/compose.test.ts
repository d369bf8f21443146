// Checks the production docker-compose.yml, Dockerfile and deploy/ scripts without a Docker
// engine: the YAML is parsed and held against what the code actually needs (the variables
// loadConfig reads, the search attributes the workflows set), and the namespace job's script is
// run for real against the test Temporal dev server.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/index.js';
import { findTemporalCli } from '../../src/temporal/dev-server.js';
import { WORKER_MALLOC_ENV, WORKER_NODE_FLAGS } from '../../src/worker/heap-tuning.js';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../src/temporal/search-attributes.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/**
 * What loadConfig (src/config/index.ts) reads and the worker must be given explicitly in
 * production; its fallbacks (localhost, no key, no metrics) are only right for development.
 */
const WORKER_REQUIRED_ENV = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TASK_QUEUE',
  'DATABASE_URL',
  'AFAS_SYNC_SECRET_KEY',
  'LOG_LEVEL',
  'METRICS_PORT',
] as const;

/** Worker variables that are not loadConfig's: read by node, node-postgres or the runtime. */
const WORKER_NON_CONFIG_ENV = ['NODE_OPTIONS', 'NODE_ENV', 'PGPASSWORD'];

const EXPECTED_SERVICES = [
  'postgresql',
  'temporal-admin-tools',
  'temporal',
  'temporal-create-namespace',
  'temporal-ui',
  'app-db',
  'worker',
  'prometheus',
  'grafana',
];

interface Healthcheck {
  test?: string | string[];
}
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  depends_on?: string[] | Record<string, { condition?: string }>;
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: string[];
  command?: string | string[];
  entrypoint?: string | string[];
  healthcheck?: Healthcheck;
  stop_grace_period?: string;
  restart?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(read('docker-compose.yml')) as ComposeFile;
const dockerfile = read('Dockerfile');

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function environment(name: string): Record<string, string> {
  const env = service(name).environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(entries) as Record<string, string>;
}

function dependsOn(name: string): Record<string, string | undefined> {
  const deps = service(name).depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((dep) => [dep, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([dep, spec]) => [dep, spec.condition]));
}

/** Compose-style `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `$$`. */
function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (match, name: string | undefined, op: string | undefined, arg: string | undefined) => {
      if (match === '$$') return '$';
      const current = env[name!];
      const unset = op?.startsWith(':') ? !current : current === undefined;
      if (op?.endsWith('?') && unset) throw new Error(`required variable ${name} is missing: ${arg}`);
      if (op?.endsWith('-') && unset) return arg ?? '';
      return current ?? '';
    },
  );
}

/** A compose duration such as `90s`, `1m30s` or `2m`, in seconds. */
function durationSeconds(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text)
    throw new Error(`not a duration: ${text}`);
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 };
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2]!]!, 0);
}

/** `repo:tag` with a version-like tag (or a digest); never `latest`, never interpolated. */
function pinnedImageProblem(image: string): string | undefined {
  if (image.includes('$')) return 'is interpolated, so its tag is not fixed in the file';
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon <= slash) return 'has no tag';
  const tag = image.slice(colon + 1);
  if (/latest/i.test(tag)) return `uses the moving tag "${tag}"`;
  if (!/^v?\d+\.\d+/.test(tag)) return `has tag "${tag}", not a major.minor version`;
  return undefined;
}

/** Sample values for the secrets compose requires, so the worker env can be interpolated. */
const SAMPLE_DEPLOY_ENV = {
  TEMPORAL_DB_PASSWORD: 'temporal-db-password',
  APP_DB_PASSWORD: 'app-db-password',
  AFAS_SYNC_SECRET_KEY: 'ab'.repeat(32),
};

function workerEnvResolved(deployEnv: Record<string, string | undefined> = SAMPLE_DEPLOY_ENV) {
  return Object.fromEntries(
    Object.entries(environment('worker')).map(([key, value]) => [key, interpolate(value, deployEnv)]),
  );
}

describe('docker-compose.yml: services and images', () => {
  it('defines the Temporal cluster, both databases, the UI, the worker, Prometheus and Grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual(expect.arrayContaining(EXPECTED_SERVICES));
    expect(EXPECTED_SERVICES.filter((name) => !(name in compose.services))).toEqual([]);
  });

  it('pins every image to a version tag (no latest, no untagged image)', () => {
    const problems: string[] = [];
    for (const [name, svc] of Object.entries(compose.services)) {
      if (svc.image === undefined) {
        if (svc.build === undefined) problems.push(`${name}: neither image nor build`);
        continue;
      }
      const problem = pinnedImageProblem(svc.image);
      if (problem) problems.push(`${name}: image ${svc.image} ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it('uses the Temporal and PostgreSQL versions the deployment is tested with', () => {
    expect(service('temporal').image).toBe('temporalio/server:1.30.1');
    expect(service('temporal-admin-tools').image).toBe('temporalio/admin-tools:1.30.1');
    expect(service('temporal-create-namespace').image).toBe('temporalio/admin-tools:1.30.1');
    expect(service('temporal-ui').image).toBe('temporalio/ui:2.34.0');
    expect(service('postgresql').image).toMatch(/^postgres:16\.\d+(-[a-z]+)?$/);
    expect(service('app-db').image).toMatch(/^postgres:16\.\d+(-[a-z]+)?$/);
  });

  it('keeps both databases on named volumes with a pg_isready healthcheck', () => {
    for (const name of ['postgresql', 'app-db']) {
      const volume = (service(name).volumes ?? []).find((v) => v.endsWith(':/var/lib/postgresql/data'));
      expect(volume, `${name} data volume`).toBeDefined();
      const volumeName = volume!.split(':')[0]!;
      expect(Object.keys(compose.volumes ?? {}), `${name} volume is declared as a named volume`).toContain(
        volumeName,
      );
      expect([service(name).healthcheck?.test ?? []].flat().join(' ')).toContain('pg_isready');
    }
  });
});

describe('docker-compose.yml: start-up order', () => {
  it('starts Temporal only after the schema job completed', () => {
    expect(dependsOn('temporal')['temporal-admin-tools']).toBe('service_completed_successfully');
    expect(dependsOn('temporal-admin-tools').postgresql).toBe('service_healthy');
  });

  it('runs the namespace job once Temporal is healthy', () => {
    expect(dependsOn('temporal-create-namespace').temporal).toBe('service_healthy');
    expect([service('temporal').healthcheck?.test ?? []].flat().length).toBeGreaterThan(0);
  });

  it('starts the worker after the namespace job completed and the app database is healthy', () => {
    expect(dependsOn('worker')['temporal-create-namespace']).toBe('service_completed_successfully');
    expect(dependsOn('worker')['app-db']).toBe('service_healthy');
  });

  it('mounts the deploy/ scripts the one-shot jobs run, and they parse as POSIX sh', async () => {
    for (const name of ['temporal-admin-tools', 'temporal-create-namespace']) {
      const svc = service(name);
      const script = [svc.command ?? []].flat().find((arg) => arg.endsWith('.sh'));
      expect(script, `${name} runs a script`).toBeDefined();
      const mount = (svc.volumes ?? [])
        .map((v) => v.split(':'))
        .find(([, target]) => target && script!.startsWith(`${target}/`));
      expect(mount, `${name} mounts the folder holding ${script}`).toBeDefined();
      const hostPath = join(ROOT, mount![0]!, posix.relative(mount![1]!, script!));
      expect(existsSync(hostPath), `${hostPath} exists`).toBe(true);
      await expect(run('sh', ['-n', hostPath])).resolves.toBeDefined();
    }
  });

  it('sets up both Temporal databases idempotently with the postgres12 plugin', () => {
    const script = read('deploy/temporal/setup-postgres.sh');
    const env = environment('temporal-admin-tools');
    expect(env.DB).toBe('postgres12');
    expect(script).toMatch(/temporal-sql-tool --plugin "\$\{DB\}"/);
    for (const step of ['create', 'setup-schema -v 0.0', 'update-schema -d']) expect(script).toContain(step);
    expect(script).toContain('/etc/temporal/schema/postgresql/v12/temporal/versioned');
    expect(script).toContain('/etc/temporal/schema/postgresql/v12/visibility/versioned');
    expect([env.DBNAME, env.VISIBILITY_DBNAME]).toEqual(['temporal', 'temporal_visibility']);
    expect([environment('temporal').DBNAME, environment('temporal').VISIBILITY_DBNAME]).toEqual([
      'temporal',
      'temporal_visibility',
    ]);
  });

  it("mounts the dynamic config file the server's DYNAMIC_CONFIG_FILE_PATH names", () => {
    const path = environment('temporal').DYNAMIC_CONFIG_FILE_PATH;
    expect(path).toBeTruthy();
    const mount = (service('temporal').volumes ?? [])
      .map((v) => v.split(':'))
      .find(([, target]) => target && path!.startsWith(`${target}/`));
    expect(mount, `a volume holds ${path}`).toBeDefined();
    expect(mount![0]).toMatch(/^\.\/deploy\/dynamicconfig/);
    const hostFile = join(ROOT, mount![0]!, posix.relative(mount![1]!, path!));
    const config = parse(readFileSync(hostFile, 'utf8')) as Record<string, unknown>;
    expect(config).not.toHaveProperty(['system.forceSearchAttributesCacheRefreshOnRead']);
  });
});

describe('docker-compose.yml: the worker', () => {
  it('is built from the repository Dockerfile', () => {
    const build = service('worker').build;
    expect(build).toBeDefined();
    const context = typeof build === 'string' ? build : (build?.context ?? '.');
    const file = typeof build === 'object' ? (build.dockerfile ?? 'Dockerfile') : 'Dockerfile';
    expect(posix.normalize(context)).toBe('.');
    expect(file).toBe('Dockerfile');
    expect(service('worker').image).toBeUndefined();
  });

  it('sets every variable the worker requires', () => {
    const env = environment('worker');
    const missing = WORKER_REQUIRED_ENV.filter((name) => !env[name]?.trim());
    expect(missing).toEqual([]);
  });

  it('requires only variables loadConfig really reads (the list above has not drifted)', () => {
    const readNames = new Set<string>();
    const probe = new Proxy<Record<string, string | undefined>>(
      {},
      {
        get(_target, key) {
          if (typeof key === 'string') readNames.add(key);
          return undefined;
        },
      },
    );
    loadConfig(probe);
    expect(WORKER_REQUIRED_ENV.filter((name) => !readNames.has(name))).toEqual([]);
    // And the compose file sets nothing under a misspelt name that loadConfig would ignore.
    const unknown = Object.keys(environment('worker')).filter(
      (name) => !readNames.has(name) && !WORKER_NON_CONFIG_ENV.includes(name),
    );
    expect(unknown).toEqual([]);
  });

  it('gives loadConfig a valid production configuration', () => {
    const config = loadConfig(workerEnvResolved());
    expect(config.temporalAddress).toBe('temporal:7233');
    expect(config.temporalNamespace).toBe(environment('temporal-create-namespace').NAMESPACE);
    expect(config.taskQueue).toBe('afas-sync');
    expect(config.secretKey).toBeDefined();
    expect(config.metricsPort).toBe(9464);
    expect(config.logFormat).toBe('json');
    const url = new URL(config.databaseUrl);
    expect(url.hostname).toBe('app-db');
    expect(url.password, 'the password comes from PGPASSWORD, not the URL').toBe('');
    expect(url.pathname).toBe(`/${environment('app-db').POSTGRES_DB}`);
    expect(url.username).toBe(environment('app-db').POSTGRES_USER);
    expect(workerEnvResolved().PGPASSWORD).toBe(SAMPLE_DEPLOY_ENV.APP_DB_PASSWORD);
    expect(workerEnvResolved().NODE_OPTIONS).toMatch(/--max-old-space-size=\d+/);
  });

  it('points the worker at the compose services by name', () => {
    const env = workerEnvResolved();
    expect(env.TEMPORAL_ADDRESS!.split(':')[0]).toBe('temporal');
    expect(compose.services).toHaveProperty([new URL(env.DATABASE_URL!).hostname]);
  });

  it('refuses to start without the AFAS token encryption key', () => {
    expect(environment('worker').AFAS_SYNC_SECRET_KEY).toMatch(/^\$\{AFAS_SYNC_SECRET_KEY:\?[^}]+\}$/);
    expect(() => workerEnvResolved({ ...SAMPLE_DEPLOY_ENV, AFAS_SYNC_SECRET_KEY: '' })).toThrow(
      /AFAS_SYNC_SECRET_KEY/,
    );
  });

  it('gives the worker longer to stop than its shutdown grace time', () => {
    const config = loadConfig(workerEnvResolved());
    const stop = service('worker').stop_grace_period;
    expect(stop).toBeDefined();
    expect(durationSeconds(stop!)).toBeGreaterThan(config.shutdownGraceSeconds);
  });

  it('health-checks /healthz on the metrics port with node (the image has no curl)', () => {
    const test = [service('worker').healthcheck?.test ?? []].flat();
    expect(test[0]).toBe('CMD');
    expect(test[1]).toBe('node');
    expect(test.join(' ')).toContain(`http://127.0.0.1:${environment('worker').METRICS_PORT}/healthz`);
    expect(service('worker').restart).toMatch(/^(always|unless-stopped|on-failure)/);
  });
});

describe('Dockerfile', () => {
  const stages = dockerfile
    .split('\n')
    .map((line) => /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ image: m[1]!, name: m[2] }));
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('is multi-stage on pinned node:20 bookworm-slim base images', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const names = new Set(stages.map((s) => s.name).filter(Boolean));
    const bases = stages.map((s) => s.image).filter((image) => !names.has(image));
    expect(bases.length).toBeGreaterThan(0);
    for (const image of bases) {
      expect(pinnedImageProblem(image), image).toBeUndefined();
      expect(image).toMatch(/^node:20\.\d+(\.\d+)?-bookworm-slim$/);
    }
  });

  it('runs dist/worker.js', () => {
    const cmd = /^CMD\s+(.+)$/m.exec(runtime)?.[1];
    expect(cmd).toBeDefined();
    expect(JSON.parse(cmd!)).toEqual(['node', ...WORKER_NODE_FLAGS, 'dist/worker.js']);
    // The bench's own process (the raw load, (a)) runs with the same heap as the worker it compares with.
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(scripts.bench).toContain(`node ${WORKER_NODE_FLAGS.join(' ')} dist-tools/`);
  });

  it('builds in the first stage and ships production dependencies only, as a non-root user', () => {
    const build = dockerfile.slice(0, dockerfile.lastIndexOf('\nFROM '));
    expect(build).toMatch(/RUN npm ci\b/);
    expect(build).toMatch(/npm run build/);
    expect(runtime).toMatch(/RUN npm ci --omit=dev/);
    expect(runtime).toMatch(/COPY --from=\S+ \/app\/dist \.\/dist/);
    expect(runtime).toMatch(/^COPY bin \.\/bin$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
    // The image sets the worker's malloc settings; the bench, soak and tests use the same constant.
    for (const [name, value] of Object.entries(WORKER_MALLOC_ENV))
      expect(runtime).toMatch(new RegExp(`^ENV ${name}=${value}$`, 'm'));
    const user = /^USER\s+(\S+)$/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(runtime).toMatch(new RegExp(`^EXPOSE ${environment('worker').METRICS_PORT}$`, 'm'));
  });

  it('keeps dependencies, build output, git and test artefacts out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', 'coverage', '.env']));
  });
});

describe('temporal-create-namespace', () => {
  const env = environment('temporal-create-namespace');
  const script = join(ROOT, 'deploy/temporal/create-namespace.sh');

  it('registers exactly the search attributes the workflows use', () => {
    const registered = (env.SEARCH_ATTRIBUTES ?? '').split(/\s+/).filter(Boolean);
    expect([...registered].sort()).toEqual([...SEARCH_ATTRIBUTE_DEFINITIONS].sort());
    expect(env.NAMESPACE).toBe(environment('worker').TEMPORAL_NAMESPACE);
    expect(env.TEMPORAL_ADDRESS).toBe(environment('worker').TEMPORAL_ADDRESS);
  });

  describe('its script, against the test Temporal server', () => {
    const namespace = `compose-test-${process.pid}-${Date.now()}`;
    let connection: Connection;
    let scriptEnv: NodeJS.ProcessEnv;

    beforeAll(async () => {
      const address = inject('temporalAddress');
      connection = await Connection.connect({ address });
      scriptEnv = {
        ...process.env,
        PATH: `${dirname(findTemporalCli())}${delimiter}${process.env.PATH ?? ''}`,
        TEMPORAL_ADDRESS: address,
        NAMESPACE: namespace,
        SEARCH_ATTRIBUTES: env.SEARCH_ATTRIBUTES,
        MAX_ATTEMPTS: '20',
        SLEEP_SECONDS: '1',
      };
    });

    afterAll(async () => {
      await connection?.close();
    });

    async function customAttributes(): Promise<string[]> {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      return Object.keys(customAttributes ?? {});
    }

    it('creates the namespace and registers the attributes, and is safe to rerun', async () => {
      await run('sh', [script], { env: scriptEnv, timeout: 90_000 });
      const described = await connection.workflowService.describeNamespace({ namespace });
      expect(described.namespaceInfo?.name).toBe(namespace);
      const names = SEARCH_ATTRIBUTE_DEFINITIONS.map((definition) => definition.split('=')[0]!);
      expect(await customAttributes()).toEqual(expect.arrayContaining(names));

      const again = await run('sh', [script], { env: scriptEnv, timeout: 90_000 });
      expect(again.stdout).toContain('already registered');
    });

    it('fails, naming the attribute, when one exists with another type', async () => {
      const [first] = SEARCH_ATTRIBUTE_DEFINITIONS;
      const name = first!.split('=')[0]!;
      const failure = run('sh', [script], {
        env: { ...scriptEnv, SEARCH_ATTRIBUTES: `${name}=Int` },
        timeout: 90_000,
      });
      await expect(failure).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(name) as unknown,
      });
    });

    it('fails when the server never becomes healthy', async () => {
      const failure = run('sh', [script], {
        env: { ...scriptEnv, TEMPORAL_ADDRESS: '127.0.0.1:1', MAX_ATTEMPTS: '2' },
        timeout: 60_000,
      });
      await expect(failure).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('failed after 2 attempts') as unknown,
      });
    });
  });
});
