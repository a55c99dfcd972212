#!/usr/bin/env bash
# Refreshes the NHS.UK frontend assets embedded in the binary from the npm package nhsuk-frontend.
# Usage: scripts/update-nhsuk-frontend.sh [VERSION]   (default: the version in assets/VERSION)
set -euo pipefail
cd "$(dirname "$0")/.."
dest=crates/concord-web/assets
version=${1:-$(cat "$dest/VERSION")}
work=$(mktemp -d)
(cd "$work" && npm pack "nhsuk-frontend@$version" --silent >/dev/null && tar xzf nhsuk-frontend-*.tgz)
src="$work/package/dist/nhsuk"
cp "$src/nhsuk-frontend.min.css" "$src/nhsuk-frontend.min.js" "$src/assets/manifest.json" "$dest/"
mkdir -p "$dest/images"
cp "$src"/assets/images/*.svg "$src/assets/images/favicon.ico" "$src"/assets/images/nhsuk-icon-{180,192,512}.png "$dest/images/"
echo "$version" > "$dest/VERSION"
rm -rf "$work"
echo "nhsuk-frontend $version copied into $dest"
