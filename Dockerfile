# One image for every role: ROLE=api|worker|all picks what the process runs.
# Node 24: the current LTS line (Node 20 is end of life; the suite still passes on it too).
FROM node:24-bookworm-slim AS build
WORKDIR /app
# manifests first, so the npm layer is cached until dependencies change
COPY package.json package-lock.json nx.json tsconfig.json tsconfig.base.json .swcrc ./
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY libs/contracts/package.json libs/contracts/
COPY libs/client/package.json libs/client/
COPY apps/cli/package.json apps/cli/
COPY libs/providers/package.json libs/providers/
COPY libs/media/package.json libs/media/
RUN npm ci --no-audit --no-fund
COPY apps ./apps
COPY libs ./libs
COPY bin ./bin
RUN npx nx run-many -t build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# the V8 settings of apps/server/src/node-flags.ts (README, "Node settings")
CMD ["node", "--initial-old-space-size=128", "--max-semi-space-size=16", "apps/server/dist/main.js"]
