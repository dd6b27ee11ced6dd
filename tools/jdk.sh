# Finds a JDK >= 21 (JAVA_HOME, javac on PATH, /usr/lib/jvm, /opt, SDKMAN); sourced by ./samizdat and bench/*.
java_major() { # $1 = JDK home; prints the feature version from its release file
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release" 2>/dev/null | head -n1)
  [ -n "$v" ] || return 1
  v=${v#1.}
  echo "${v%%[.+-]*}"
}

find_jdk() {
  local c m
  for c in "${JAVA_HOME:-}" \
           "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")" \
           /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    m=$(java_major "$c") || continue
    if [ "$m" -ge 21 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  return 1
}

