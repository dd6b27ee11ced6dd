#!/usr/bin/env bash
# Installs a samizdat mirror as a hardened systemd service, in one line:
#
#   sudo ./install-mirror.sh http://origin.example:8080 'cb75 8252 ... 20c3'
#
# It copies samizdat-all.jar to /opt/samizdat, writes /etc/samizdat/mirror.env, installs
# samizdat-mirror.service and starts it; the copy lives in /var/lib/samizdat/archive. Options:
#   --jar FILE     the runnable jar (default: samizdat-all.jar beside this script, or target/ of a checkout)
#   --java FILE    a Java 21+ `java` (default: the first found in JAVA_HOME, PATH, /usr/lib/jvm, /opt)
#   --port N       where the mirror serves (default 8080); --bind ADDR (default 0.0.0.0)
#   --root DIR     install under DIR instead of / (for packaging and tests); implies --no-start
#   --no-start     install and enable nothing; print what would start it
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="" java="" port=8080 bind=0.0.0.0 root="" start=1 args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --java) java="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --bind) bind="$2"; shift 2 ;;
    --root) root="$2"; start=0; shift 2 ;;
    --no-start) start=0; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "install-mirror: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ ${#args[@]} -ne 2 ]; then
  echo "usage: install-mirror.sh [options] UPSTREAM_URL ROOT_FINGERPRINT   (see --help)" >&2
  exit 2
fi
upstream="${args[0]}" fingerprint="$(echo "${args[1]}" | tr -d ' :\n' | tr 'A-F' 'a-f')"
case "$upstream" in http://*|https://*) ;; *) echo "install-mirror: the upstream must be an http:// or https:// URL, not $upstream" >&2; exit 2 ;; esac
if ! [[ "$fingerprint" =~ ^[0-9a-f]{64}$ ]]; then
  echo "install-mirror: a root fingerprint is 64 hex digits (spaces allowed), as the publisher printed it" >&2
  exit 2
fi
if [ -z "$jar" ]; then
  for c in "$here/samizdat-all.jar" "$here/../target/samizdat-all.jar"; do [ -f "$c" ] && jar="$c" && break; done
fi
[ -n "$jar" ] && [ -f "$jar" ] || { echo "install-mirror: no samizdat-all.jar found; give it with --jar FILE" >&2; exit 1; }
major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1; }
if [ -z "$java" ]; then
  for c in "${JAVA_HOME:-/nonexistent}/bin/java" "$(command -v java || true)" /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/jdk*/bin/java; do
    [ -x "$c" ] || continue
    m=$(major "$c"); [ -n "$m" ] && [ "$m" -ge 21 ] 2>/dev/null && { java="$(readlink -f "$c")"; break; }
  done
fi
[ -n "$java" ] && [ -x "$java" ] || { echo "install-mirror: no Java 21 or newer found; install one (e.g. apt-get install openjdk-21-jre-headless) or give --java" >&2; exit 1; }
if [ "$start" = 1 ] && [ "$(id -u)" != 0 ]; then
  echo "install-mirror: run as root (sudo), or use --root DIR" >&2
  exit 1
fi
install -d "$root/opt/samizdat" "$root/etc/samizdat" "$root/etc/systemd/system"
install -m 0644 "$jar" "$root/opt/samizdat/samizdat-all.jar"
[ -f "$here/../README.md" ] && install -m 0644 "$here/../README.md" "$root/opt/samizdat/README.md"
cat > "$root/etc/samizdat/mirror.env" <<ENV
# samizdat mirror settings (read by samizdat-mirror.service)
UPSTREAM=$upstream
FINGERPRINT=$fingerprint
BIND=$bind
PORT=$port
# more options for 'samizdat mirror', e.g. --public-url https://mirror.example.org
EXTRA_OPTIONS=
ENV
sed "s|@JAVA@|$java|" "$here/samizdat-mirror.service" > "$root/etc/systemd/system/samizdat-mirror.service"
chmod 0644 "$root/etc/systemd/system/samizdat-mirror.service"
if [ "$start" = 1 ]; then
  systemctl daemon-reload
  systemctl enable --now samizdat-mirror.service
  echo "samizdat mirror of $upstream started; see: systemctl status samizdat-mirror, journalctl -u samizdat-mirror"
else
  echo "installed under ${root:-/}; start it with: systemctl daemon-reload && systemctl enable --now samizdat-mirror"
fi
