#!/usr/bin/env bash
# Assembles the offline bundle (docs/bundle.md) from the jars Maven resolved. Run by dist/pom.xml in the
# package phase with these variables:
#   BUNDLE_DIR             the bundle directory to (re)create; a .tar.gz of it is written next to it
#   BUNDLE_PARTS           lib/ (runtime jars of engine-cli), test-jar/ (the test classes), launcher/ (JUnit console)
#   BUNDLE_TEST_CLASSPATH  every jar of the tests module's test class path
#   BUNDLE_SOURCES         dist/src (bin/ scripts)
#   BUNDLE_EXAMPLES        examples/ (scripts that tests run)
#   BUNDLE_JDK             the JDK whose jdeps/jlink make runtime/
#   BUNDLE_EXTRA_MODULES   modules jdeps cannot see (comma-separated, may be empty)
#   BUNDLE_EXCLUDE_FILES   jlink --exclude-files patterns for the runtime (may be empty)
#   BUNDLE_MAX_MIB         size limit of the bundle directory
#   BUNDLE_VERSION         project version
set -euo pipefail

fail() {
  echo "bundle: $*" >&2
  exit 1
}

for v in BUNDLE_DIR BUNDLE_PARTS BUNDLE_TEST_CLASSPATH BUNDLE_SOURCES BUNDLE_EXAMPLES BUNDLE_JDK BUNDLE_MAX_MIB BUNDLE_VERSION; do
  [ -n "${!v:-}" ] || fail "$v is not set (run through Maven: ./mvnw -B -Pbundle package)"
done
[ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ] \
  || fail "the bundle is for Linux x86-64 and must be built there (the runtime and the JCuda natives are this machine's); this is $(uname -sm)"
for tool in jdeps jlink jar; do
  [ -x "$BUNDLE_JDK/bin/$tool" ] || fail "$BUNDLE_JDK/bin/$tool not found; -Dbundle.jdk must name a full JDK (17 or newer)"
done
[ -d "$BUNDLE_TEST_CLASSPATH" ] || fail "$BUNDLE_TEST_CLASSPATH is missing; build with the tests module and -Pbundle"

# Native libraries that the bundle leaves out of the natives jars: the PTX compiler binding (24 MB, unused: the
# kernels are compiled ahead of time).
native_excludes=('*JNvPTXCompiler*')

# Copies one jar into a directory. Natives jars for another platform are dropped; natives jars for this one lose
# the libraries in native_excludes.
put_jar() {
  local jar="$1" dest="$2" name
  name="$(basename "$jar")"
  case "$name" in
    *-natives-*)
      case "$name" in
        *-linux-x86_64.jar) ;;
        *) echo "bundle: leaving out $name (not linux-x86_64)"; return 0 ;;
      esac
      local entries drop=()
      entries="$("$BUNDLE_JDK/bin/jar" tf "$jar")"
      for pattern in "${native_excludes[@]}"; do
        while IFS= read -r e; do
          # shellcheck disable=SC2053
          [[ -n "$e" && "$e" == $pattern ]] && drop+=("$e")
        done <<<"$entries"
      done
      if [ ${#drop[@]} -gt 0 ]; then
        local tmp
        tmp="$(mktemp -d)"
        (cd "$tmp" && "$BUNDLE_JDK/bin/jar" xf "$jar")
        for e in "${drop[@]}"; do
          rm -f "$tmp/$e"
          echo "bundle: leaving out $e from $name"
        done
        "$BUNDLE_JDK/bin/jar" cfM "$dest/$name" -C "$tmp" .
        rm -rf "$tmp"
        return 0
      fi
      ;;
  esac
  cp "$jar" "$dest/$name"
}

rm -rf "$BUNDLE_DIR" "$BUNDLE_DIR.tar.gz"
mkdir -p "$BUNDLE_DIR"/{bin,lib,tests}

# lib/: engine-cli and its runtime class path.
for jar in "$BUNDLE_PARTS"/lib/*.jar; do
  put_jar "$jar" "$BUNDLE_DIR/lib"
done

# tests/: the test classes, the JUnit console launcher, and what the tests need beyond lib/. The launcher jar
# carries the JUnit Platform, Jupiter, OpenTest4J and API Guardian at the build's JUnit version, so the separate
# jars of those are not copied again.
for jar in "$BUNDLE_PARTS"/test-jar/*.jar "$BUNDLE_PARTS"/launcher/*.jar; do
  put_jar "$jar" "$BUNDLE_DIR/tests"
done
for jar in "$BUNDLE_TEST_CLASSPATH"/*.jar; do
  name="$(basename "$jar")"
  [ -e "$BUNDLE_DIR/lib/$name" ] && continue
  case "$name" in
    junit-jupiter-*|junit-platform-*|opentest4j-*|apiguardian-api-*) continue ;;
  esac
  put_jar "$jar" "$BUNDLE_DIR/tests"
done
ls "$BUNDLE_DIR"/tests/*-tests.jar >/dev/null 2>&1 || fail "the tests' test-jar is missing from $BUNDLE_PARTS/test-jar"
launcher="$(basename "$(ls "$BUNDLE_DIR"/tests/junit-platform-console-standalone-*.jar 2>/dev/null | head -1)")"
[ -n "$launcher" ] || fail "the JUnit console launcher is missing"
launcher_version="${launcher#junit-platform-console-standalone-}"
launcher_version="${launcher_version%.jar}"
for jar in "$BUNDLE_TEST_CLASSPATH"/junit-platform-*.jar; do
  [ -e "$jar" ] || continue
  case "$(basename "$jar")" in
    *-"$launcher_version".jar) ;;
    *) fail "$launcher does not match the tests' $(basename "$jar"); set junit.platform.version in dist/pom.xml" ;;
  esac
done

cp "$BUNDLE_SOURCES"/bin/* "$BUNDLE_DIR/bin/"
chmod 755 "$BUNDLE_DIR"/bin/*
cp -r "$BUNDLE_EXAMPLES" "$BUNDLE_DIR/examples"

# runtime/: the modules the jars use (jdeps), plus those only reached by reflection or service loading.
feature="$("$BUNDLE_JDK/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
jars=("$BUNDLE_DIR"/lib/*.jar "$BUNDLE_DIR"/tests/*.jar)
cp_all="$(IFS=:; echo "${jars[*]}")"
modules="$("$BUNDLE_JDK/bin/jdeps" -q --ignore-missing-deps --multi-release "$feature" --print-module-deps \
  --class-path "$cp_all" "${jars[@]}")"
[ -n "$modules" ] || fail "jdeps found no modules"
if [ -n "${BUNDLE_EXTRA_MODULES:-}" ]; then
  modules="$modules,$BUNDLE_EXTRA_MODULES"
fi
echo "bundle: runtime modules: $modules"
jlink_opts=(--strip-debug --no-header-files --no-man-pages --compress=2)
if [ -n "${BUNDLE_EXCLUDE_FILES:-}" ]; then
  jlink_opts+=("--exclude-files=$BUNDLE_EXCLUDE_FILES")
fi
"$BUNDLE_JDK/bin/jlink" --add-modules "$modules" --output "$BUNDLE_DIR/runtime" "${jlink_opts[@]}"
"$BUNDLE_DIR/runtime/bin/java" -version >/dev/null 2>&1 || fail "the linked runtime does not start"

{
  echo "version=$BUNDLE_VERSION"
  echo "runtime=$("$BUNDLE_DIR/runtime/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
  echo "modules=$modules"
  echo "platform=linux-x86_64"
} >"$BUNDLE_DIR/bundle.properties"

# Size: apparent bytes of every file, against the limit.
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
bytes() { du -sb "$1" | cut -f1; }
total="$(bytes "$BUNDLE_DIR")"
echo "bundle: size $(mib "$total") MiB (runtime $(mib "$(bytes "$BUNDLE_DIR/runtime")"), lib $(mib "$(bytes "$BUNDLE_DIR/lib")"), tests $(mib "$(bytes "$BUNDLE_DIR/tests")"), examples+bin $(mib "$(( $(bytes "$BUNDLE_DIR/examples") + $(bytes "$BUNDLE_DIR/bin") ))")); limit $BUNDLE_MAX_MIB MiB"
if [ "$total" -gt $(( BUNDLE_MAX_MIB * 1048576 )) ]; then
  fail "the bundle is $(mib "$total") MiB, over the limit of $BUNDLE_MAX_MIB MiB (see the breakdown above)"
fi

parent="$(dirname "$BUNDLE_DIR")"
tar -C "$parent" -czf "$BUNDLE_DIR.tar.gz" "$(basename "$BUNDLE_DIR")"
echo "bundle: $BUNDLE_DIR ($(mib "$total") MiB) and $BUNDLE_DIR.tar.gz ($(mib "$(bytes "$BUNDLE_DIR.tar.gz")") MiB)"
