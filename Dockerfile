# camtrove in a container: the CLI and server with ffmpeg, running as an unprivileged user.
#   docker build -t camtrove .
#   docker run --rm -p 127.0.0.1:8080:8080 -v camtrove-data:/data camtrove token create
#   docker run --rm -p 127.0.0.1:8080:8080 -v camtrove-data:/data camtrove
# compose.yaml runs it with PostgreSQL, Redis and MinIO; docs/deployment.md explains both.

# Node 22: the current long-term release (package.json's engines also allow 20 and 24).
FROM node:22-bookworm-slim AS build
# Compilers, only for a native module with no prebuilt binary for the platform being built for.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# The README's set-up: `npm ci` installs and builds (the CLI, the server and the web app).
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
# ffmpeg and ffprobe do the media work; util-linux (setpriv) ties them to camtrove's process.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg util-linux ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/node_modules ./node_modules
# The library (SQLite and blobs, or only scratch space with PostgreSQL and S3) lives in /data.
RUN mkdir /data && chown node:node /data
ENV NODE_ENV=production \
    CAMTROVE_DATA=/data \
    CAMTROVE_HOST=0.0.0.0
USER node
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["node", "/app/bin/camtrove.js"]
CMD ["serve"]
