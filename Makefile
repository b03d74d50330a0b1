.PHONY: run test lint build ci

run:
	go run ./cmd/zerovisit

test:
	go test -race -count=1 ./...

lint:
	go vet ./... && test -z "$$(gofmt -l .)"

build:
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$$(git describe --always --dirty)" -o bin/zerovisit ./cmd/zerovisit

ci:
	bash .ci/run
