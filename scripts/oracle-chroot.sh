#!/bin/sh
# Builds a Debian chroot holding one suite's Python ML stack, for the oracle fuzzer's --chroot option
# (npm run fuzz:oracle -- --chroot DIR): its loaders then run under that suite's pickle, pandas, joblib, torch and
# numpy. Usage (as root): scripts/oracle-chroot.sh <suite> <dir> [mirror]
#   e.g. scripts/oracle-chroot.sh sid /srv/chroots/sid
# It installs only Debian's own packages (debootstrap --variant=minbase, then apt-get in the chroot). Re-running it on
# an existing chroot skips the bootstrap and brings the packages up to date. The host needs debootstrap
# (apt-get install -y debootstrap) and a debootstrap script for the suite (bookworm's knows sid and trixie).
set -eu

SUITE=${1:?usage: oracle-chroot.sh <suite> <dir> [mirror]}
DIR=${2:?usage: oracle-chroot.sh <suite> <dir> [mirror]}
MIRROR=${3:-http://deb.debian.org/debian}

# The libraries whose names the allowlist packs admit and whose loaders the oracle runs; dask and distributed because
# xgboost.dask (admitted names) imports them: without them a load that names it raises an import of 'dask' outside the
# admitted libraries (an event of the environment, not of the program; the host has them).
PACKAGES="python3 python3-numpy python3-scipy python3-pandas python3-sklearn python3-joblib python3-statsmodels
python3-torch python3-xgboost python3-networkx python3-gensim python3-dateutil python3-tz python3-h5py
python3-dask python3-distributed"

if [ ! -x "$DIR/usr/bin/apt-get" ]; then
  mkdir -p "$DIR"
  debootstrap --variant=minbase "$SUITE" "$DIR" "$MIRROR"
fi

# /proc is needed by apt's maintainer scripts and by the worker (torch and numpy read /proc/cpuinfo etc.).
if ! mountpoint -q "$DIR/proc"; then
  mount -t proc proc "$DIR/proc"
fi
cp /etc/resolv.conf "$DIR/etc/resolv.conf" 2>/dev/null || true
# A mirror's Release file is valid for a week (Valid-Until); a host whose clock is ahead of the mirror (or a snapshot
# mirror) would refuse it. The signatures are still checked: only the expiry is not.
echo 'Acquire::Check-Valid-Until "false";' > "$DIR/etc/apt/apt.conf.d/99oracle-no-valid-until"

# Some packages are missing from an architecture or a suite at times (sid transitions): retry the apt lock, and
# install what can be installed, naming what could not.
run() { chroot "$DIR" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
for try in 1 2 3 4 5; do
  if run apt-get update; then break; fi
  sleep 15
done
# shellcheck disable=SC2086
if ! run apt-get install -y --no-install-recommends $PACKAGES; then
  echo "oracle-chroot: installing all at once failed; installing one by one" >&2
  for p in $PACKAGES; do
    run apt-get install -y --no-install-recommends "$p" || echo "oracle-chroot: NOT INSTALLED: $p" >&2
  done
fi
run apt-get clean

# What the oracle will run under (the versions a run's summary records too).
run python3 - <<'EOF'
import importlib, sys
print("python", sys.version.split()[0])
for m in ["numpy", "scipy", "pandas", "sklearn", "joblib", "statsmodels", "torch", "xgboost", "networkx", "gensim",
          "dateutil", "pytz", "h5py"]:
    try:
        print(m, importlib.import_module(m).__version__)
    except Exception as e:
        print(m, "NOT IMPORTABLE:", type(e).__name__, e)
EOF
