# The platform image: the api and the router (one image, two commands) with
# the built dashboard. It is assembled from what `scripts/setup.sh` and
# `npm run build` made on the host — no registry is needed while building —
# so build it with `bash scripts/build-platform-image.sh` (or after those two
# steps, `docker compose build`). See "Self-hosting" in the README.
ARG NODE_IMAGE=node:20-bookworm-slim

# Production dependencies only: the host's node_modules (native modules
# already built for this Node.js), pruned offline down to what the control
# plane needs at run time. The dashboard and e2e workspaces only matter at
# build time (the dashboard is bundled into dashboard/dist).
FROM ${NODE_IMAGE} AS deps
WORKDIR /opt/pyhost
COPY package.json package-lock.json ./
COPY control-plane/package.json control-plane/
COPY node_modules node_modules/
COPY control-plane/node_modules control-plane/node_modules/
RUN node -e ' \
      const fs = require("fs"); \
      const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")); \
      pkg.workspaces = ["control-plane"]; delete pkg.devDependencies; delete pkg.scripts; \
      fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2));' \
 && npm prune --omit=dev --offline --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src node_modules/better-sqlite3/build/Release/obj* \
      node_modules/better-sqlite3/build/Release/.deps node_modules/better-sqlite3/build/deps node_modules/.package-lock.json /root/.npm \
 && node -e 'new (require("better-sqlite3"))(":memory:").prepare("SELECT 1").get()'

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PYHOST_DATA=/var/lib/pyhost
WORKDIR /opt/pyhost
COPY --from=deps /opt/pyhost ./
COPY control-plane/dist control-plane/dist/
COPY dashboard/dist dashboard/dist/
# Fails the build (not the first start) when the image's Node.js cannot load
# the host-built native modules, e.g. a different major version.
RUN node -e 'new (require("better-sqlite3"))(":memory:").prepare("SELECT 1").get()' \
 && node control-plane/dist/cli/healthcheck.js --help >/dev/null
# The api runs as root: it talks to the Docker socket and hands each user's
# files to that user's own uid. The router runs as root to reach every app's
# socket; compose drops what else it can (read-only root, no-new-privileges).
CMD ["node", "control-plane/dist/server.js"]
