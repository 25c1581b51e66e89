#!/usr/bin/env bash
# The stacks a workflow runs the real Pulumi CLI on, as a GitHub Actions matrix: a JSON list on
# stdout, one object per stack: stack, cloud (aws or gcp), region, ref (the stack as
# pulumi/actions names it), and for previews the read-only identity (role, provider).
# Reads stacks/Pulumi.<stack>.yaml of the current directory. Local stacks need a Docker engine:
# never listed.
#
#   stack-matrix.sh preview NOTE   every cloud stack whose read-only identity is configured; one
#                                  Markdown line per cloud stack (runs, or what to configure) is
#                                  appended to the file NOTE, for the plan comment
#   stack-matrix.sh deploy         the stacks DEPLOY_STACKS names (spaces or commas); an unknown
#                                  or local stack is an error. Each deploy job takes its identity
#                                  from its own GitHub environment, not from here.
#
# Configuration: repository variables, never secrets (docs/pull-requests.md):
#   PULUMI_ORGANIZATION (+ PULUMI_PREVIEW_TEAM)  Pulumi Cloud through OIDC; previews get a token
#                                                of that team only (Read on the stacks)
#   PULUMI_BACKEND_URL                           or a self-managed backend (s3://..., gs://...)
#   AWS_PREVIEW_ROLE_ARN                         the read-only role AWS previews assume
#   GCP_WORKLOAD_IDENTITY_PROVIDER               the Workload Identity provider, and
#   GCP_PREVIEW_SERVICE_ACCOUNT                  the read-only service account GCP previews use
#   FORK=true                                    a fork's pull request: GitHub gives it no OIDC token
# Each identity variable holds one value for every stack of its cloud, or `stack=value` pairs
# (spaces between) for stacks in several accounts or projects.
set -euo pipefail

mode=${1:-}
note=${2:-/dev/null}
case "$mode" in
  preview | deploy) ;;
  *) echo "usage: stack-matrix.sh preview NOTE | stack-matrix.sh deploy" >&2; exit 2 ;;
esac

# The value of a stack-file key (first match; quotes dropped), or nothing.
key() {
  sed -n "s/^ *$2: *\"\{0,1\}\([^\" #]*\).*/\1/p" "$1" | head -n 1
}

# pick VALUE STACK: VALUE itself, or the value paired with STACK in `stack=value` pairs.
pick() {
  local word
  if [[ $1 != *=* ]]; then
    printf '%s' "$1"
    return
  fi
  for word in $1; do
    if [[ $word == "$2="* ]]; then
      printf '%s' "${word#*=}"
      return
    fi
  done
}

# What each value must look like: nothing else reaches the matrix (its JSON is written by hand).
ROLE_ARN='^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$'
PROVIDER='^projects/[0-9]+/locations/global/workloadIdentityPools/[a-z0-9-]+/providers/[a-z0-9-]+$'
ACCOUNT='^[a-z][a-z0-9-]*@[a-z0-9-]+\.iam\.gserviceaccount\.com$'
NAME='^[A-Za-z0-9][A-Za-z0-9._-]*$'
REGION='^[a-z0-9-]*$'

if [ -n "${PULUMI_ORGANIZATION:-}" ] && ! [[ $PULUMI_ORGANIZATION =~ $NAME ]]; then
  echo "PULUMI_ORGANIZATION '$PULUMI_ORGANIZATION' is not a Pulumi organization name" >&2
  exit 2
fi

# The stacks to consider.
stacks=()
if [ "$mode" = deploy ]; then
  for stack in ${DEPLOY_STACKS//,/ }; do
    if ! [[ $stack =~ $NAME ]] || [ ! -f "stacks/Pulumi.$stack.yaml" ]; then
      echo "DEPLOY_STACKS names '$stack', which has no stacks/Pulumi.$stack.yaml" >&2
      exit 2
    fi
    stacks+=("$stack")
  done
else
  for file in stacks/Pulumi.*.yaml; do
    stack=${file#stacks/Pulumi.}
    stacks+=("${stack%.yaml}")
  done
  {
    echo
    echo "#### Real \`pulumi preview --diff\` with the policy pack"
    echo
  } >>"$note"
fi

entries=()
for stack in "${stacks[@]}"; do
  file="stacks/Pulumi.$stack.yaml"
  cloud=$(key "$file" lago:target)
  case "$cloud" in
    aws) region=$(key "$file" aws:region) ;;
    gcp) region=$(key "$file" gcp:region) ;;
    *)
      if [ "$mode" = deploy ]; then
        echo "DEPLOY_STACKS names '$stack', a ${cloud:-local} stack: only aws and gcp stacks deploy from CI" >&2
        exit 2
      fi
      continue ;;
  esac
  if ! [[ $stack =~ $NAME && $region =~ $REGION ]]; then
    echo "$file: the stack name or its region '$region' is not one a workflow can use" >&2
    exit 2
  fi
  ref=$stack
  if [ -n "${PULUMI_ORGANIZATION:-}" ]; then
    ref="$PULUMI_ORGANIZATION/$stack"
  fi
  entry="\"stack\":\"$stack\",\"cloud\":\"$cloud\",\"region\":\"$region\",\"ref\":\"$ref\""
  if [ "$mode" = deploy ]; then
    entries+=("{$entry}")
    continue
  fi

  # Previews: what is missing for this stack, if anything.
  missing=()
  if [ "${FORK:-false}" = true ]; then
    echo "- \`$stack\`: skipped: a pull request from a fork gets no OIDC token, so no identity to preview with." >>"$note"
    continue
  fi
  if [ -n "${PULUMI_ORGANIZATION:-}" ]; then
    if ! [[ ${PULUMI_PREVIEW_TEAM:-} =~ $NAME ]]; then
      missing+=("variable PULUMI_PREVIEW_TEAM (a Pulumi Cloud team with Read on the stacks; previews never get an organization token)")
    fi
  elif [ -z "${PULUMI_BACKEND_URL:-}" ]; then
    missing+=("a state backend: variable PULUMI_ORGANIZATION (Pulumi Cloud) or PULUMI_BACKEND_URL")
  fi
  role="" provider=""
  if [ "$cloud" = aws ]; then
    role=$(pick "${AWS_PREVIEW_ROLE_ARN:-}" "$stack")
    [[ $role =~ $ROLE_ARN ]] || missing+=("variable AWS_PREVIEW_ROLE_ARN (the read-only preview role's ARN)")
  else
    role=$(pick "${GCP_PREVIEW_SERVICE_ACCOUNT:-}" "$stack")
    provider=$(pick "${GCP_WORKLOAD_IDENTITY_PROVIDER:-}" "$stack")
    [[ $provider =~ $PROVIDER ]] || missing+=("variable GCP_WORKLOAD_IDENTITY_PROVIDER (projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER)")
    [[ $role =~ $ACCOUNT ]] || missing+=("variable GCP_PREVIEW_SERVICE_ACCOUNT (the read-only preview service account's email)")
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    printf -- "- \`%s\`: skipped, not configured: set %s.\n" "$stack" "$(printf '%s; ' "${missing[@]}" | sed 's/; $//')" >>"$note"
    continue
  fi
  echo "- \`$stack\`: runs as the read-only preview identity; its result is a comment of its own." >>"$note"
  entries+=("{$entry,\"role\":\"$role\",\"provider\":\"$provider\"}")
done
(IFS=,; echo "[${entries[*]}]")
