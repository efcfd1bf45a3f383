#!/bin/sh
# Build the desktop bundle and its Debian package from this checkout and check them as a user meets them
# (tests/bundle/test_bundle.py): the bundle's --self-test, its licences and bill of materials, and the package
# installed into a fresh Debian root, started on a virtual display and removed again. About six minutes; needs
# root and Debian's dpkg, debootstrap, xvfb, imagemagick and x11-utils (tests are skipped, saying why, without).
# Not part of .ci/run, which must stay under fifteen minutes.
set -e
cd "$(dirname "$0")/.."
exec .venv/bin/python -m pytest tests/bundle -p no:cacheprovider -o addopts="-ra --durations=5" -s -v "$@"
