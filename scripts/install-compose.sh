#!/usr/bin/env bash
# Installs the `docker compose` CLI plugin, built from its Go module (pinned), when the machine has
# the docker client without it: the production smoke test (test/production/smoke.test.ts) checks
# docker/compose.yml with `docker compose config`. No Docker engine is needed for that.
set -euo pipefail
VERSION=v5.6.0
if docker compose version >/dev/null 2>&1; then exit 0; fi
if ! command -v docker >/dev/null 2>&1 || ! command -v go >/dev/null 2>&1; then
  echo "== docker compose: no docker client or no Go here; docker/compose.yml is checked as text only"
  exit 0
fi
echo "== building the docker compose plugin $VERSION from its Go module (a few minutes on a new machine)"
started=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(
  cd "$work"
  go mod init compose-plugin >/dev/null 2>&1
  go get "github.com/docker/compose/v5/cmd@$VERSION" >/dev/null 2>&1
  mkdir -p "$HOME/.docker/cli-plugins"
  go build -o "$HOME/.docker/cli-plugins/docker-compose" github.com/docker/compose/v5/cmd
) || { echo "== docker compose could not be built; docker/compose.yml is checked as text only"; exit 0; }
echo "== docker compose: $(docker compose version) in $(( $(date +%s) - started )) s"
