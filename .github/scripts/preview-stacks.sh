#!/usr/bin/env bash
# Which cloud stacks can run the real `pulumi preview` here: prints a JSON list of stack names
# to stdout and a Markdown note (appended to the plan comment) to the file named by $1.
# A stack is ready when a Pulumi backend (PULUMI_ACCESS_TOKEN or PULUMI_BACKEND_URL) and its
# cloud's credentials are set: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY for lago:target aws,
# GOOGLE_CREDENTIALS for lago:target gcp. Local stacks need a Docker engine: never previewed.
set -euo pipefail
note=$1
ready=()
{
  echo
  echo "#### Real \`pulumi preview\` with the policy pack"
  echo
} >>"$note"
for file in stacks/Pulumi.*.yaml; do
  stack=${file#stacks/Pulumi.}
  stack=${stack%.yaml}
  target=$(sed -n 's/^ *lago:target: *\([a-z]*\).*/\1/p' "$file" | head -n 1)
  missing=""
  if [ -z "${PULUMI_ACCESS_TOKEN:-}" ] && [ -z "${PULUMI_BACKEND_URL:-}" ]; then
    missing="a Pulumi backend (secret PULUMI_ACCESS_TOKEN or variable PULUMI_BACKEND_URL)"
  fi
  case "$target" in
    aws) creds_ok=$([ -n "${AWS_ACCESS_KEY_ID:-}" ] && [ -n "${AWS_SECRET_ACCESS_KEY:-}" ] && echo yes || echo no)
         creds="secrets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" ;;
    gcp) creds_ok=$([ -n "${GOOGLE_CREDENTIALS:-}" ] && echo yes || echo no)
         creds="secret GOOGLE_CREDENTIALS" ;;
    *) continue ;;
  esac
  if [ "$creds_ok" = no ]; then
    missing="${missing:+$missing and }$creds"
  fi
  if [ -z "$missing" ]; then
    ready+=("\"$stack\"")
    echo "- \`$stack\`: runs; its result is a comment of its own." >>"$note"
  else
    echo "- \`$stack\`: skipped, not configured: set $missing (a pull request from a fork gets no secrets)." >>"$note"
  fi
done
(IFS=,; echo "[${ready[*]}]")
