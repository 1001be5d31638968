#!/usr/bin/env bash
# Rebuilds ../livekit-client.js (one minified ES module: what web/room.js uses of livekit-client,
# for the LiveKit media backend) and ../livekit-client.LICENSES.txt from the pinned
# package-lock.json, with npm ci and esbuild in a temporary folder. The built files are committed,
# so serving, the wheel and the image need no Node.js and nothing is fetched at run time (no CDN);
# run this (or `./bootstrap vendor`) after changing package.json (`npm install --package-lock-only`
# first) or entry.mjs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(dirname "$here")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/entry.mjs" "$work/"
cd "$work"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
# what the bundle contains: every installed package that is neither a dev tool nor optional
listed="$(node -e '
const lock = require("./package-lock.json");
const entries = Object.entries(lock.packages).filter(([path, p]) => path && !p.dev && !p.optional);
const names = entries.map(([path, p]) => `${path.replace(/^node_modules\//, "")} ${p.version}`);
const licences = [...new Set(entries.map(([, p]) => p.license))].sort();
console.log(names.join(", ") + "\n" + licences.join(", "));')"
bundled="$(echo "$listed" | sed -n 1p)"
licences="$(echo "$listed" | sed -n 2p)"
lock_sha="$(sha256sum package-lock.json | cut -c1-16)"
{
    printf '/* livekit-client for Intervox: built by web/vendor/livekit-source/build.sh (esbuild %s) from package-lock.json sha256:%s.\n' \
        "$(node -p 'require("./node_modules/esbuild/package.json").version')" "$lock_sha"
    printf ' * Bundled: %s.\n * Licences (%s): see livekit-client.LICENSES.txt. */\n' "$bundled" "$licences"
    ./node_modules/.bin/esbuild entry.mjs --bundle --format=esm --minify --target=es2020 --legal-comments=none --log-level=warning
} >"$out/livekit-client.js"
{
    echo "Licences of the packages bundled into livekit-client.js (built by livekit-source/build.sh)."
    node -e '
const fs = require("fs"), lock = require("./package-lock.json");
for (const [path, p] of Object.entries(lock.packages)) {
  if (!path || p.dev || p.optional) continue;
  const file = fs.readdirSync(path).find((f) => /^licen[cs]e/i.test(f));
  console.log(`\n==== ${path.replace(/^node_modules\//, "")} ${p.version} (${p.license}) ====\n`);
  console.log(file ? fs.readFileSync(`${path}/${file}`, "utf8").trim() : `${p.license} (no licence file shipped)`);
}'
} >"$out/livekit-client.LICENSES.txt"
echo "built $out/livekit-client.js ($(wc -c <"$out/livekit-client.js") bytes)"
