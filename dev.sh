#!/usr/bin/env bash
# Release Console's one entry point for a fresh Debian/Ubuntu machine with Python >= 3.11.
#
#   ./dev.sh demo   set everything up, then open the TUI on a sandbox project
#   ./dev.sh test   set everything up, then run the linters and the whole test suite
#
# "Set everything up" = the system tools (git, gnupg, minisign, ssh-keygen, tmux) via apt-get when
# run as root (otherwise one line naming the apt-get command), a virtualenv in .venv, and the
# Python packages pinned by constraints.txt. Each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv

need_system_tools() {
  local missing=()
  command -v git >/dev/null || missing+=(git)
  command -v gpg >/dev/null || missing+=(gnupg)
  command -v minisign >/dev/null || missing+=(minisign)
  command -v ssh-keygen >/dev/null || missing+=(openssh-client)
  command -v tmux >/dev/null || missing+=(tmux)
  "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system tools: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing system tools. Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 3
  fi
}

need_venv() {
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "Release Console needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version)." >&2
    exit 3
  }
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  local stamp="$VENV/.installed" want
  want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing Python packages into $VENV"
    # Compiled here (pip's default), not left to first use: with PYTHONDONTWRITEBYTECODE set, as
    # on CI, no run would ever write the bytecode and every console start the tests make would
    # compile Textual and GitPython again (the suite took 598 s instead of 432 s).
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c constraints.txt \
      -e '.[test]'
    echo "$want" > "$stamp"
  fi
}

warm_test_cache() {
  local files=(tests/test_*.py) half
  half=$(( ${#files[@]} / 2 ))
  PYTHONDONTWRITEBYTECODE= "$VENV/bin/pytest" -q --collect-only -p no:cacheprovider \
    "${files[@]:0:half}" > /dev/null &
  PYTHONDONTWRITEBYTECODE= "$VENV/bin/pytest" -q --collect-only -p no:cacheprovider \
    "${files[@]:half}" > /dev/null || true  # a module that fails to import fails the real run
  wait $! || true
}

set_up() {
  # The system tools (apt-get, when some are missing) and the virtualenv (pip) side by side: on
  # a fresh machine each spends most of its time downloading and unpacking. Where venv itself
  # is missing (python3-venv), apt-get has to come first.
  if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    need_system_tools
    need_venv
    return
  fi
  need_venv &
  local venv_job=$! tools=0
  ( need_system_tools ) || tools=$?
  if [ "$tools" -ne 0 ]; then
    kill "$venv_job" 2>/dev/null || true
    wait "$venv_job" 2>/dev/null || true
    exit "$tools"
  fi
  wait "$venv_job"
}

case "${1:-}" in
  demo)
    set_up
    shift
    exec "$VENV/bin/release-console" demo "$@"
    ;;
  test)
    set_up
    shift
    "$VENV/bin/ruff" check .
    "$VENV/bin/lint-imports" --no-logo --no-cache
    # mypy (one core, about 16 s from cold) beside the bytecode and the test cache below; its
    # verdict is waited for before any test runs
    "$VENV/bin/mypy" &
    mypy_job=$!
    # The tests start the console as a subprocess hundreds of times; bytecode written once here
    # spares each start recompiling the product (PYTHONDONTWRITEBYTECODE machines never write it).
    "$VENV/bin/python" -m compileall -q console screens services > /dev/null
    # pytest rewrites each test module's asserts as it imports it and keeps the result in
    # tests/__pycache__, but not where PYTHONDONTWRITEBYTECODE is set (as on CI): there each
    # worker rewrote every module again (about 10 s of CPU each, 4 workers on 2 cores). Written
    # once here, in two halves side by side, the workers read it (2 s each).
    warm_test_cache
    wait "$mypy_job"
    # Three workers a core: a test spends much of its time waiting (for the console it started
    # as a child process, for git and gpg, for a Pilot pause), and with fewer workers a core sat
    # idle (2 cores: 512 s with 2 workers, 462 s with 3, 410 s with 4, 971 tests; 537 s with 4
    # and 500 s with 6, 1596 tests, most of the new ones Pilot walks that wait on the screen).
    exec "$VENV/bin/pytest" -q -n "$(( 3 * $(nproc) ))" --dist loadgroup -p no:cacheprovider "$@"
    ;;
  *)
    echo "usage: ./dev.sh demo | ./dev.sh test" >&2
    exit 2
    ;;
esac
