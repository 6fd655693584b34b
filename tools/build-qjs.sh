#!/usr/bin/env bash
# Builds QuickJS's own native `qjs` (the interpreter OpenWrt ships) from the sources in
# the npm package qjsc, for running the QuickJS bundle and host tests on this machine.
# Prints the path of the binary. Idempotent: rebuilds only when the binary is missing or
# its recipe changed (tools/qjs-make.sh). If QJS is set, that binary is used as is.
set -euo pipefail

if [[ -n "${QJS:-}" ]]; then
  if [[ -x "$QJS" ]]; then echo "$QJS"; exit 0; fi
  echo "build-qjs: QJS=$QJS is not an executable file" >&2
  exit 1
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec bash "$root/tools/qjs-make.sh" "$root/.cache/qjs" "native cc" -
