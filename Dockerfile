# One image for every Switchboard process; its command picks which (deploy/compose.yaml,
# deploy/k8s). Default: the gateway. Build: docker build -t switchboard .
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
# npm ci also generates the Prisma clients (postinstall); the build compiles every workspace to
# dist/; then the dev tools (TypeScript, tsx, vitest, Prisma's CLI) are dropped.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund \
    && npm run build \
    && npm prune --omit=dev --no-audit --no-fund \
    && rm -rf tests bench docs .turbo

FROM ${NODE_IMAGE}
# --conditions=dist: workspaces resolve to their compiled JavaScript (each export's "dist").
# LISTEN_HOST: subgraphs listen on every interface of their container (the default is loopback).
ENV NODE_ENV=production \
    NODE_OPTIONS=--conditions=dist \
    LISTEN_HOST=0.0.0.0 \
    MEDIA_STORAGE_DIR=/data/media
WORKDIR /app
COPY --from=build /app /app
# Uploads and thumbnails (media and the worker share this volume); owned by the unprivileged user.
RUN mkdir -p /data/media && chown node:node /data/media
USER node
EXPOSE 4000
CMD ["node", "apps/gateway/dist/index.js"]
