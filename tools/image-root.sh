#!/usr/bin/env bash
# Builds the file tree the container image adds to an empty (scratch) base: a jlink'ed Java runtime
# with only the modules samizdat uses, the C libraries it links against (copied from this machine),
# and the directories a node writes to. Called by the build (pom.xml, jib) as:
#   tools/image-root.sh TARGET_DIR      (TARGET_DIR holds samizdat.jar and lib/ from `package`)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/tools/jdk.sh"
target="$1"
out="$target/image-root"
jdk=$(find_jdk) || { echo "image-root: no JDK 21 or newer found" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/opt" "$out/data" "$out/tmp"
# Modules: what jdeps finds in the jar and its libraries, plus those reached by reflection or
# service loading (Lucene's memory mapping, JMX for Jetty, JNDI for mail, SunPKCS11 for hardware keys, JDBC for the
# registry's H2).
mods=$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 21 \
        --class-path "$target/lib/*" "$target/samizdat.jar" 2>/dev/null | tail -n1)
mods="$mods,jdk.unsupported,java.naming,java.management,jdk.crypto.ec,jdk.crypto.cryptoki,java.sql"
# jdk.crypto.ec was folded into java.base in JDK 22; keep only modules this JDK has
have=$("$jdk/bin/java" --list-modules | sed 's/@.*//' | tr '\n' ' ')
keep=()
IFS=, read -ra all <<< "$mods"
for m in "${all[@]}"; do
  case " $have " in *" $m "*) keep+=("$m") ;; esac
done
"$jdk/bin/jlink" --add-modules "$(IFS=,; echo "${keep[*]}")" --strip-debug --no-man-pages --no-header-files \
  --output "$out/opt/java"
# The C libraries the runtime needs, at the paths the dynamic loader looks in.
libs=$( { ldd "$out/opt/java/bin/java"; find "$out/opt/java/lib" -name '*.so' -exec ldd {} \; ; } 2>/dev/null \
        | grep -oE '/[^ ]+\.so[^ ]*' | sort -u)
for l in $libs; do
  [ -e "$l" ] || continue
  mkdir -p "$out$(dirname "$l")"
  cp -L "$l" "$out$l"
done
# /lib64 is a symlink on Debian; the loader is named by the binary's interpreter path
interp=$(readelf -l "$out/opt/java/bin/java" 2>/dev/null | sed -n 's/.*interpreter: \(.*\)]/\1/p' || true)
if [ -n "$interp" ] && [ ! -e "$out$interp" ]; then
  mkdir -p "$out$(dirname "$interp")"
  cp -L "$interp" "$out$interp"
fi
touch "$out/data/.keep" "$out/tmp/.keep"
echo "image-root: Java runtime with ${#keep[@]} modules and $(echo "$libs" | wc -w) C libraries in $out" >&2
