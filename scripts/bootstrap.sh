# Sourced by run.sh and test.sh: make sure the system packages, the tools and the locked Python dependencies
# are in place. Every step is skipped quickly when it is already done, so a second start is fast.
#
# Usage: . scripts/bootstrap.sh <debian packages…>

UV_VERSION=0.13.9
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mError:\033[0m %s\n' "$*" >&2; exit 1; }

ensure_debian_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        die "These system packages are missing: ${missing[*]}
Install them, then run this again:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    fi
    say "Installing system packages: ${missing[*]}"
    apt-get update -q >&2 || die "apt-get update failed; check the network or the apt sources."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
        || die "apt-get install ${missing[*]} failed."
}

find_python() {
    for candidate in "${PYTHON:-}" python3.11 python3; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    die "Python 3.11 is required (Django 5.2 LTS, locked for 3.11). Install it, e.g.: sudo apt-get install -y python3.11 python3.11-venv"
}

ensure_python_environment() {
    local python
    python=$(find_python)
    if [ ! -x .tools/bin/uv ] || ! .tools/bin/uv --version 2>/dev/null | grep -q "uv $UV_VERSION"; then
        say "Installing uv $UV_VERSION into .tools/"
        "$python" -m venv .tools || die "python3.11 -m venv failed; install the venv module: sudo apt-get install -y python3.11-venv"
        .tools/bin/pip install -q --disable-pip-version-check "uv==$UV_VERSION" || die "pip could not install uv $UV_VERSION."
    fi
    # --locked: install exactly uv.lock, and fail if pyproject.toml and the lock disagree.
    UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT="$ROOT/.venv" \
        .tools/bin/uv sync --locked --quiet --python "$python" || die "uv sync --locked failed (see above)."
}

compile_translations() {
    local po mo
    for po in locale/*/LC_MESSAGES/*.po; do
        [ -f "$po" ] || continue
        mo="${po%.po}.mo"
        if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
            msgfmt --check-format -o "$mo" "$po" || die "Could not compile $po."
        fi
    done
}

ensure_debian_packages "$@"
ensure_python_environment
compile_translations
export PATH="$ROOT/.venv/bin:$PATH"
