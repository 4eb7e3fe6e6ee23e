#!/usr/bin/env bash
# Commits the self-contained action (dist/action/patchops.mjs) on a release tag, so `uses: <owner>/patchops@vX.Y.Z`
# (or the moving major tag `@vX`) runs without `npm ci` or a build. Run by .github/workflows/release.yml on the pushed
# tag; usage: scripts/release-action.sh vX.Y.Z [remote]. The tag's own commit stays the parent of the bundle commit.
set -euo pipefail

tag="${1:?usage: release-action.sh vX.Y.Z [remote]}"
remote="${2:-}"
version="$(node -p 'require("./package.json").version')"
if [ "$tag" != "v$version" ]; then
  echo "release-action: the tag $tag does not match package.json's version $version" >&2
  exit 2
fi
if [ -n "${GITHUB_REPOSITORY:-}" ]; then
  # init pins the git URL of package.json's repository: a release from another repository would pin the wrong one.
  url="$(node -p 'const r = require("./package.json").repository; typeof r === "string" ? r : r.url')"
  case "$url" in
    *"github.com/$GITHUB_REPOSITORY.git" | *"github.com/$GITHUB_REPOSITORY") ;;
    *)
      echo "release-action: package.json's repository ($url) is not $GITHUB_REPOSITORY; fix it before releasing" >&2
      exit 2
      ;;
  esac
fi

git checkout -q --detach "$tag^{commit}"
node scripts/bundle-action.mjs
git add -f dist/action/patchops.mjs
git -c user.name="${GIT_AUTHOR_NAME:-patchops-release}" -c user.email="${GIT_AUTHOR_EMAIL:-release@patchops.invalid}" \
  commit -q -m "release $tag: the self-contained action (dist/action/patchops.mjs)"
major="${tag%%.*}"
git tag -f -a "$tag" -m "patchops $tag" > /dev/null
git tag -f -a "$major" -m "patchops $tag (moving major tag)" > /dev/null
if [ -n "$remote" ]; then git push -q --force "$remote" "refs/tags/$tag" "refs/tags/$major"; fi
echo "release-action: $tag and $major point at $(git rev-parse --short HEAD), which holds dist/action/patchops.mjs"
