#!/usr/bin/env bash
# Runs the lock test suite with every lock directory on a real filesystem without hard links
# (exFAT through FUSE on a loop device), so the O_CREAT|O_EXCL fallback of SPEC §2.2 is the
# only way any lock, guard or queue file gets created. No npm involved:
#
#   sudo bench/linkless-suite.sh            # whole lock suite except files.test.ts (below)
#   sudo bench/linkless-suite.sh fifo races # a subset, by test file name
#
# Needs root, /dev/fuse, a free loop device, and mkfs.exfat + mount.exfat-fuse
# (Debian/Ubuntu: apt-get install -y exfatprogs exfat-fuse). Exits 77 ("skipped") with the
# reason when any of them is missing. files.test.ts is left out: it plants symlinks and checks
# POSIX modes, neither of which exFAT has.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
  echo "linkless-suite: SKIPPED: $*" >&2
  exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root (loop device + FUSE mount)"
[ -e /dev/fuse ] || skip "no /dev/fuse"
command -v mkfs.exfat >/dev/null || skip "mkfs.exfat missing (apt-get install -y exfatprogs)"
command -v mount.exfat-fuse >/dev/null || skip "mount.exfat-fuse missing (apt-get install -y exfat-fuse)"
command -v losetup >/dev/null || skip "losetup missing"

work=$(mktemp -d /tmp/linkless-suite.XXXXXX)
mnt="$work/mnt"
loop=""
cleanup() {
  if mountpoint -q "$mnt" 2>/dev/null; then umount "$mnt" || umount -l "$mnt" || true; fi
  if [ -n "$loop" ]; then losetup -d "$loop" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$mnt"
truncate -s 256M "$work/exfat.img"
mkfs.exfat "$work/exfat.img" >/dev/null
loop=$(losetup -f --show "$work/exfat.img") || skip "no free loop device"
mount.exfat-fuse -o allow_other "$loop" "$mnt" || skip "mounting exFAT through FUSE failed"

# The point of the run: prove that this filesystem really refuses hard links.
touch "$mnt/probe"
if ln "$mnt/probe" "$mnt/probe-link" 2>/dev/null; then
  echo "linkless-suite: $mnt accepted a hard link; the fallback would not be exercised" >&2
  exit 1
fi
rm -f "$mnt/probe"
echo "linkless-suite: $(findmnt -no FSTYPE,SOURCE "$mnt") at $mnt refuses hard links"

if [ "$#" -gt 0 ]; then
  files=()
  for name in "$@"; do files+=("__tests__/unit/lock/${name%.test.ts}.test.ts"); done
else
  mapfile -t files < <(ls __tests__/unit/lock/*.test.ts | grep -v '/files\.test\.ts$')
fi
LOCK_TEST_DIR="$mnt" node --experimental-vm-modules node_modules/jest/bin/jest.js --runInBand "${files[@]}"
