# syntax=docker/dockerfile:1
# TicketShow on node-server, in two stages: the build (with the compilers better-sqlite3
# needs) and a slim image that runs as the unprivileged `node` user. The data dir (the
# SQLite file and the generated secret, when those are used) is the volume /data. The
# server migrates its database on start; `npm run db:migrate` can run as a separate step
# from the build stage (`docker build --target build`).
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3 sharp
COPY . .
RUN npx nuxt prepare && npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS run
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 NUXT_DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app/.output ./.output
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", ".output/server/index.mjs"]
