#!/usr/bin/env bash
# Installs the tools the test suite needs that a fresh Debian machine lacks, as root, and
# prints one line per tool: what was installed and why, or that it was already there.
# Idempotent: with everything present it runs no apt command and takes milliseconds.
# Run it (`bash testkit/install-tools.sh`) or source it; it changes no shell options of the
# caller when sourced.
(
  set -euo pipefail
  export DEBIAN_FRONTEND=noninteractive

  # tool name | command that proves it is present | Debian package | why the tests need it
  tools=(
    "git-lfs|git lfs version|git-lfs|LFS tests (lfs: true) download objects through git-lfs"
    "sshd|test -x /usr/sbin/sshd|openssh-server|a real sshd on loopback for the ssh-key tests (testkit/ssh-server.ts)"
  )

  missing=()
  for entry in "${tools[@]}"; do
    IFS='|' read -r name probe package why <<<"$entry"
    if bash -c "$probe" >/dev/null 2>&1; then
      echo "$package: already installed ($why)"
    else
      missing+=("$entry")
    fi
  done
  [ "${#missing[@]}" -eq 0 ] && exit 0

  if [ "$(id -u)" -ne 0 ]; then
    echo "install-tools.sh: must run as root to apt-get install what is missing" >&2
    exit 1
  fi

  # Installing openssh-server must not start a system sshd: one listening on 0.0.0.0:22 would
  # take port 22 from every loopback address the test kit's own sshd needs.
  policy=/usr/sbin/policy-rc.d
  own_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    own_policy=true
    trap 'rm -f "$policy"' EXIT
  fi

  if ! log=$(apt-get update -qq 2>&1); then
    printf '%s\n' "$log" >&2
    echo "install-tools.sh: apt-get update failed" >&2
    exit 1
  fi
  for entry in "${missing[@]}"; do
    IFS='|' read -r name probe package why <<<"$entry"
    # apt and debconf chatter (e.g. "delaying package configuration") only on failure.
    if ! log=$(apt-get install -y -qq --no-install-recommends "$package" 2>&1); then
      printf '%s\n' "$log" >&2
      echo "install-tools.sh: apt-get install $package failed" >&2
      exit 1
    fi
    if ! bash -c "$probe" >/dev/null 2>&1; then
      echo "install-tools.sh: installed $package but '$probe' still fails" >&2
      exit 1
    fi
    echo "$package: installed ($why)"
  done
  "$own_policy" && rm -f "$policy"
  exit 0
)
