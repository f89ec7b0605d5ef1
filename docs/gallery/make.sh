#!/usr/bin/env bash
# Regenerates the gallery: a few pages of the PDF writeups and of the HTML report as PNG.
# Needs TeX (latexmk/pdflatex), poppler-utils (pdftoppm) and chromium; run from anywhere:
#   bash docs/gallery/make.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
python -m engine render all --pdf --out "$work/pdf" --cache-dir "$work/cache" > /dev/null || true
python -m engine render all --html --out "$work/html" --cache-dir "$work/cache" > /dev/null || true
# page: document page-number name
page() { pdftoppm -r 60 -png -f "$2" -l "$2" -singlefile "$work/pdf/$1.pdf" "$here/$3"; }
page index 1 pdf-index
page technion-hw2 4 pdf-technion-hw2-q1
page ryu-hw6 16 pdf-ryu-hw6-p3-jacobians
page sharif-thw2 5 pdf-sharif-thw2
shot() {
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,2000 \
    --screenshot="$here/$2" "file://$work/html/$1" 2> /dev/null
}
shot index.html html-index.png
shot technion-hw2.q1.html html-technion-hw2-q1.png
cp "$here/html-technion-hw2-q1.png" "$root/docs/html-report.png"
echo "gallery written to $here"
