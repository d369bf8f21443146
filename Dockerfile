# afas-sync worker image. Build: `docker compose build worker` (or `docker build -t afas-sync .`).

# --- build: compile TypeScript to dist/ and prebundle the workflow code --------------------------
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
# Only src/, what production runs: the benchmark and the soak (tools/) have their own build
# (tsconfig.tools.json, `npm run build:tools`) and never enter the image.
COPY src ./src
# tsc -> dist/, then dist/workflow-bundle.js (the worker runs the prebuilt bundle in production).
# tsc copies no non-TypeScript files, but dist/db/migrate.js reads dist/db/migrations/*.sql at
# run time: copy every such asset next to its compiled module.
RUN npm run build \
  && cd src \
  && find . -type f ! -name '*.ts' -exec cp --parents {} ../dist/ \; \
  && test -f ../dist/worker.js \
  && test -f ../dist/workflow-bundle.js

# --- runtime: production dependencies, compiled code, non-root ----------------------------------
FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production
# glibc malloc as src/worker/heap-tuning.ts (WORKER_MALLOC_ENV) explains: at most two arenas, and
# a fixed mmap threshold so page-sized Buffers go back to the system when freed.
ENV MALLOC_ARENA_MAX=2
ENV MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The node image's unprivileged user (uid 1000); the app files stay root-owned and read-only to it.
USER node
# Prometheus /metrics plus /healthz and /readyz (METRICS_PORT).
EXPOSE 9464
# A small young generation (src/worker/heap-tuning.ts, WORKER_NODE_FLAGS): ~50 MB less peak RSS.
CMD ["node", "--max-semi-space-size=4", "dist/worker.js"]
