#!/usr/bin/env bash
# Offline plan of every stack of a checkout, one JSON file per stack.
#   plan-stacks.sh CHECKOUT_DIR OUT_DIR
# A stack whose plan fails leaves OUT_DIR/<stack>.error (the message) instead of <stack>.json.
# CHECKOUT_DIR must have its .venv (make install).
set -uo pipefail
checkout=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
cd "$checkout" || exit 1
for file in stacks/Pulumi.*.yaml; do
  stack=${file#stacks/Pulumi.}
  stack=${stack%.yaml}
  if .venv/bin/python -m lago_infra plan --stack "$stack" --format json >"$out/$stack.json" 2>"$out/$stack.error"; then
    rm -f "$out/$stack.error"
    echo "planned $stack"
  else
    rm -f "$out/$stack.json"
    echo "plan of $stack failed: $(head -c 500 "$out/$stack.error")"
  fi
done
