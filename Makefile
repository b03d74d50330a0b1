.PHONY: run test lint build ci

run:
	go run ./cmd/zerovisit

test:
	go test -race -count=1 ./...

# staticcheck is pinned; the Go toolchain fetches and caches that version.
STATICCHECK = go run honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint:
	go vet ./... && test -z "$$(gofmt -l .)" && $(STATICCHECK) ./...

build:
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$$(git describe --always --dirty)" -o bin/zerovisit ./cmd/zerovisit

ci:
	bash .ci/run
