# syntax=docker/dockerfile:1
# Sentinel in a container. Runs as the unprivileged `node` user, writes nothing at run time (works with a read-only
# root filesystem), and takes the CLI's arguments:
#   docker run --rm --read-only -v "$PWD:/scan:ro" sentinel scan /scan --format sarif
# The image holds every feature: the package and its optional packages (the queue, the service's metrics, keyless
# signature verification) at the versions the lockfile pins.

# Build stage: the package exactly as npm publishes it (npm pack runs the build).
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm pack --pack-destination /tmp && mv /tmp/sentinel-ml-*.tgz /tmp/sentinel-ml.tgz \
    && node -e 'const l = require("./package-lock.json"); const p = require("./package.json"); \
      console.log(Object.keys(p.peerDependencies).map((n) => `${n}@${l.packages[`node_modules/${n}`].version}`).join(" "))' \
      > /tmp/optional-packages.txt

# Runtime stage: the packed package installed globally, without install scripts (none are needed).
FROM node:20-bookworm-slim
ENV NODE_ENV=production NO_COLOR=1
COPY --from=build /tmp/sentinel-ml.tgz /tmp/optional-packages.txt /tmp/
RUN npm install --global --omit=dev --ignore-scripts --no-audit --no-fund /tmp/sentinel-ml.tgz \
      $(cat /tmp/optional-packages.txt) \
    && rm /tmp/sentinel-ml.tgz /tmp/optional-packages.txt \
    && npm cache clean --force
USER node
WORKDIR /scan
ENTRYPOINT ["sentinel"]
CMD ["--help"]
