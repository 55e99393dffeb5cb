# beamline's image: the beamline command and the five pipeline binaries it runs
# (static, in /usr/local/bin side by side), the dashboard embedded in beamline,
# and the reference data in /opt/beamline/data. Used by docker-compose.yml;
# deploy/compose_test.go checks this file against the code.
#
#   docker build -t beamline:local .
#   docker run --rm -p 5000:5000 -e MONGODB_URI=mongodb://... beamline:local serve

# 1. The dashboard (web/, Vite): web/dist, which the Go package web embeds.
FROM node:22-alpine AS web
WORKDIR /src/web
COPY web/ ./
RUN if [ -f package.json ]; then npm ci --no-audit --no-fund && npm run build; else mkdir -p dist; fi

# 2. Static binaries, built after web/dist is in place.
FROM golang:1.26 AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/web/dist/ ./web/dist/
RUN go build -ldflags="-s -w" -o /out/ \
      ./cmd/beamline \
      ./pipelines/ingest ./pipelines/employees ./pipelines/sales ./pipelines/advanced ./pipelines/mongo

# 3. The runtime: no shell, no package manager, a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ /usr/local/bin/
COPY data/input/ /opt/beamline/data/input/
COPY data/mongo/ /opt/beamline/data/mongo/
WORKDIR /opt/beamline
USER nonroot:nonroot
# /opt/beamline is read-only for nonroot: beamline's working folder and log
# file go to its home (distroless's /home/nonroot) instead.
ENV BEAMLINE_WORKDIR=/home/nonroot/.beamline BEAMLINE_LOG_FILE=/home/nonroot/logs/beamline.log
EXPOSE 5000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["beamline", "ping"]
ENTRYPOINT ["beamline"]
CMD ["serve"]
