#!/usr/bin/env bash
# Rebuilds ../codemirror.js (one minified ES module: CodeMirror 6 with its Python and JavaScript
# modes) and ../codemirror.LICENSES.txt from the pinned package-lock.json, with npm ci and esbuild
# in a temporary folder. The built files are committed, so serving, the wheel and the image need
# no Node.js and nothing is fetched at run time; run this (or `./bootstrap vendor`) after
# changing package.json (`npm install --package-lock-only` first) or entry.mjs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(dirname "$here")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/entry.mjs" "$work/"
cd "$work"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
# what the bundle contains: every installed package that is neither a dev tool nor optional
bundled="$(node -e '
const lock = require("./package-lock.json");
const names = Object.entries(lock.packages)
  .filter(([path, p]) => path && !p.dev && !p.optional)
  .map(([path, p]) => `${path.replace(/^node_modules\//, "")} ${p.version}`);
console.log(names.join(", "));')"
lock_sha="$(sha256sum package-lock.json | cut -c1-16)"
{
    printf '/* CodeMirror 6 for Intervox: built by web/vendor/source/build.sh (esbuild %s) from package-lock.json sha256:%s.\n' \
        "$(node -p 'require("./node_modules/esbuild/package.json").version')" "$lock_sha"
    printf ' * Bundled: %s.\n * All MIT licensed: see codemirror.LICENSES.txt. */\n' "$bundled"
    ./node_modules/.bin/esbuild entry.mjs --bundle --format=esm --minify --target=es2020 --legal-comments=none --log-level=warning
} >"$out/codemirror.js"
{
    echo "Licences of the packages bundled into codemirror.js (built by source/build.sh)."
    node -e '
const fs = require("fs"), lock = require("./package-lock.json");
for (const [path, p] of Object.entries(lock.packages)) {
  if (!path || p.dev || p.optional) continue;
  const file = fs.readdirSync(path).find((f) => /^licen[cs]e/i.test(f));
  console.log(`\n==== ${path.replace(/^node_modules\//, "")} ${p.version} (${p.license}) ====\n`);
  console.log(file ? fs.readFileSync(`${path}/${file}`, "utf8").trim() : `${p.license} (no licence file shipped)`);
}'
} >"$out/codemirror.LICENSES.txt"
echo "built $out/codemirror.js ($(wc -c <"$out/codemirror.js") bytes)"
