#!/usr/bin/env bash
# Copy the npm-installed front-end assets into static/vendor (git-ignored), so the app serves
# everything itself and works on a network with no internet.
set -euo pipefail
cd "$(dirname "$0")/.."
out=static/vendor
rm -rf "$out"
mkdir -p "$out/bootstrap" "$out/vazirmatn/fonts" "$out/jalalidatepicker" "$out/axe-core" "$out/chartjs"
cp node_modules/bootstrap/dist/css/bootstrap.rtl.min.css "$out/bootstrap/"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$out/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$out/bootstrap/"
cp node_modules/vazirmatn/fonts/webfonts/*.woff2 "$out/vazirmatn/fonts/"
cp -r node_modules/vazirmatn/fonts/ttf "$out/vazirmatn/ttf"
cp node_modules/vazirmatn/OFL.txt "$out/vazirmatn/"
cp node_modules/@majidh1/jalalidatepicker/dist/jalalidatepicker.min.js "$out/jalalidatepicker/"
cp node_modules/@majidh1/jalalidatepicker/dist/jalalidatepicker.min.css "$out/jalalidatepicker/"
cp node_modules/axe-core/axe.min.js "$out/axe-core/"
cp node_modules/chart.js/dist/chart.umd.min.js "$out/chartjs/"
cp node_modules/chart.js/LICENSE.md "$out/chartjs/"
echo "vendor assets copied to $out"
