#!/usr/bin/env bash
# Regenerates the plan fixtures test/fixtures/plans/<case>.json from
# test/fixtures/hcl/<case>/ with a real `plan -out` + `show -json`, offline.
# See scripts/gen-plans.md for the why and the caveats.
#
#   scripts/gen-plans.sh                  # every case
#   CASES="secure-public modules" scripts/gen-plans.sh
#
# Environment:
#   TF_BIN        terraform/tofu binary to use (default: `terraform` on PATH if
#                 it is there, else OpenTofu $TOFU_VERSION built from the Go
#                 module proxy into the cache)
#   TOOL          auto (default) | terraform | tofu   (tofu: always the built one)
#   TOFU_VERSION  default v1.10.10
#   AWS_PROVIDER_BIN, AWS_PROVIDER_VERSION
#                 a real terraform-provider-aws binary (and its version, e.g.
#                 6.22.0) to plan with instead of the offline stub provider in
#                 test/fixtures/hcl/_stub-provider
#   OUT_DIR       default test/fixtures/plans
#   OUT_PREFIX    prefix for output file names (default empty)
#   GEN_PLANS_CACHE  build cache (default ~/.cache/apprunner-guard-gen-plans)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HCL="$ROOT/test/fixtures/hcl"
OUT_DIR=${OUT_DIR:-$ROOT/test/fixtures/plans}
OUT_PREFIX=${OUT_PREFIX:-}
CACHE=${GEN_PLANS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/apprunner-guard-gen-plans}
TOOL=${TOOL:-auto}
TOFU_VERSION=${TOFU_VERSION:-v1.10.10}
mkdir -p "$CACHE/bin" "$OUT_DIR"

log() { printf '[gen-plans] %s\n' "$*" >&2; }
now() { date +%s; }

# ---------------------------------------------------------------- 1. terraform / tofu

build_tofu() {
  local bin="$CACHE/bin/tofu-$TOFU_VERSION"
  if [[ ! -x $bin ]]; then
    local t0 dir
    t0=$(now)
    log "building OpenTofu $TOFU_VERSION from the Go module proxy (a few minutes)"
    # `go install` refuses the module (it has a replace directive), so build
    # from a writable copy of the downloaded module.
    dir=$(go mod download -json "github.com/opentofu/opentofu@$TOFU_VERSION" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
    rm -rf "$CACHE/src-tofu" && cp -r "$dir" "$CACHE/src-tofu" && chmod -R u+w "$CACHE/src-tofu"
    (cd "$CACHE/src-tofu" && GOFLAGS=-mod=mod nice -n 19 go build \
      -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$bin" ./cmd/tofu)
    log "OpenTofu built in $(($(now) - t0))s"
  fi
  echo "$bin"
}

if [[ -n ${TF_BIN:-} ]]; then
  :
elif [[ $TOOL != tofu ]] && command -v terraform >/dev/null 2>&1; then
  TF_BIN=$(command -v terraform)
elif [[ $TOOL == terraform ]]; then
  # Terraform >= 1.10 cannot be built from the module zip (its go.mod
  # replaces internal submodules by local paths the zip does not contain).
  log "TOOL=terraform but no terraform on PATH; use TOOL=tofu or set TF_BIN"
  exit 1
else
  TF_BIN=$(build_tofu)
fi
log "using $("$TF_BIN" version 2>/dev/null | head -1) ($TF_BIN)"

# ---------------------------------------------------------------- 2. provider into a filesystem mirror

MIRROR="$CACHE/mirror"
rm -rf "$MIRROR"
if [[ -n ${AWS_PROVIDER_BIN:-} ]]; then
  PROVIDER_VERSION=${AWS_PROVIDER_VERSION:?set AWS_PROVIDER_VERSION with AWS_PROVIDER_BIN}
  PROVIDER_SRC=$AWS_PROVIDER_BIN
else
  PROVIDER_VERSION=6.0.0 # the stub answers to ">= 6.0"; it is not a real 6.0.0
  PROVIDER_SRC="$CACHE/bin/terraform-provider-aws-stub"
  t0=$(now)
  (cd "$HCL/_stub-provider" && nice -n 19 go build -o "$PROVIDER_SRC" .)
  log "stub provider built in $(($(now) - t0))s"
fi
for host in registry.terraform.io registry.opentofu.org; do
  d="$MIRROR/$host/hashicorp/aws/$PROVIDER_VERSION/$(go env GOOS)_$(go env GOARCH)"
  mkdir -p "$d"
  cp "$PROVIDER_SRC" "$d/terraform-provider-aws_v$PROVIDER_VERSION"
done

cat >"$CACHE/cli.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/aws", "registry.opentofu.org/hashicorp/aws"]
  }
  direct {
    exclude = ["*/*/*"]
  }
}
EOF

export TF_CLI_CONFIG_FILE="$CACHE/cli.tfrc"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR AWS_PROFILE AWS_SESSION_TOKEN
export AWS_ACCESS_KEY_ID=AKIAFAKEFAKEFAKEFAKE
export AWS_SECRET_ACCESS_KEY=fakefakefakefakefakefakefakefakefakefake
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true

# ---------------------------------------------------------------- 3. plans

if [[ -z ${CASES:-} ]]; then
  CASES=$(cd "$HCL" && for d in */; do d=${d%/}; [[ $d == _* ]] || echo "$d"; done)
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

tf() { "$TF_BIN" "$@" -no-color; }

for c in $CASES; do
  t0=$(now)
  w="$WORK/$c"
  mkdir -p "$w"
  if [[ -d $HCL/$c/prior ]]; then
    # Two-step case: apply prior/ (the stub invents ids/ARNs, no API call)
    # to make a state, then plan the case's own configuration against it.
    cp -r "$HCL/$c/prior/." "$w/"
    (cd "$w" && tf init -input=false >/dev/null && tf apply -auto-approve -input=false >"$w.prior.log") ||
      { cat "$w.prior.log" >&2; exit 1; }
    find "$w" -maxdepth 1 -name '*.tf' -delete
  fi
  (cd "$HCL/$c" && tar --exclude=./prior -cf - .) | (cd "$w" && tar -xf -)
  (
    cd "$w"
    tf init -input=false >/dev/null
    # A case may pass extra plan options (one per line, e.g. -target=...) in a plan-args file.
    args=()
    [[ -f plan-args ]] && mapfile -t args <plan-args
    tf plan -input=false "${args[@]}" -out=plan.bin >plan.txt 2>&1 || { cat plan.txt >&2; exit 1; }
    "$TF_BIN" show -json plan.bin |
      python3 -c 'import json,sys; json.dump(json.load(sys.stdin), sys.stdout, indent=2); print()' \
        >"$OUT_DIR/$OUT_PREFIX$c.json"
  )
  log "$c: $(grep -E '^(Plan|No changes)' "$w/plan.txt" | head -1) -> ${OUT_DIR#$ROOT/}/$OUT_PREFIX$c.json ($(($(now) - t0))s)"
done
