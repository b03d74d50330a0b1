# syntax=docker/dockerfile:1
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/zerovisit ./cmd/zerovisit \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/zerovisit /usr/local/bin/zerovisit
# The embedded SQLite default needs a folder the non-root user can write;
# production points ZEROVISIT_DATABASE_URL at PostgreSQL instead.
COPY --from=build --chown=65532:65532 /out/data /var/lib/zerovisit
WORKDIR /var/lib/zerovisit
ENV ZEROVISIT_ADDR=:8080 \
    ZEROVISIT_DATABASE_URL=/var/lib/zerovisit/zerovisit.db
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/zerovisit", "probe", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/zerovisit"]
CMD ["serve"]
