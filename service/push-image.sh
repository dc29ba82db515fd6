#!/usr/bin/env bash
# Build the employee service image and push it to ECR in the provider account.
#
#   service/push-image.sh [--region REGION] [--profile PROFILE] [--repository NAME] [--tag TAG] [--platform P]
#
# Credentials are the AWS CLI's (profile, env vars or SSO): they decide the account, which must be the
# provider account. The ECR repository is created when missing (scan on push, AES256). Needs: aws CLI v2
# and a running Docker engine (with buildx for --platform). The last stdout line is the pushed image URI,
# ready for the provider module's image input:  image=$(service/push-image.sh --region eu-west-1 | tail -n1)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
profile=""
repository="crossgate/employee-service"
tag=""
platform="linux/amd64"  # Fargate's default CPU architecture (X86_64); use linux/arm64 for Graviton tasks

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit "${1:-2}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --region) region="${2:?--region needs a value}"; shift 2 ;;
    --profile) profile="${2:?--profile needs a value}"; shift 2 ;;
    --repository) repository="${2:?--repository needs a value}"; shift 2 ;;
    --tag) tag="${2:?--tag needs a value}"; shift 2 ;;
    --platform) platform="${2:?--platform needs a value}"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "push-image: unknown argument: $1" >&2; usage 2 ;;
  esac
done

if [ -z "$region" ]; then
  echo "push-image: no region: pass --region or set AWS_REGION" >&2
  exit 2
fi
if [ -z "$tag" ]; then
  # The commit when building from a git checkout (plus -dirty for uncommitted changes), else a timestamp.
  if tag="$(git -C "$here" rev-parse --short=12 HEAD 2>/dev/null)"; then
    git -C "$here" diff --quiet HEAD -- . 2>/dev/null || tag="$tag-dirty"
  else
    tag="$(date -u +%Y%m%d%H%M%S)"
  fi
fi

aws_cli() {
  if [ -n "$profile" ]; then
    aws --profile "$profile" --region "$region" "$@"
  else
    aws --region "$region" "$@"
  fi
}

account="$(aws_cli sts get-caller-identity --query Account --output text)"
registry="$account.dkr.ecr.$region.amazonaws.com"
image="$registry/$repository:$tag"
echo "push-image: account $account, region $region, image $image" >&2

if ! aws_cli ecr describe-repositories --repository-names "$repository" >/dev/null 2>&1; then
  echo "push-image: creating ECR repository $repository" >&2
  aws_cli ecr create-repository \
    --repository-name "$repository" \
    --image-scanning-configuration scanOnPush=true \
    --encryption-configuration encryptionType=AES256 >/dev/null
fi

aws_cli ecr get-login-password | docker login --username AWS --password-stdin "$registry" >&2
docker build --platform "$platform" --tag "$image" "$here" >&2
docker push "$image" >&2
echo "$image"
