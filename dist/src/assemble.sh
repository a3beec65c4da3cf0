#!/usr/bin/env bash
# Assembles the offline bundle (docs/bundle.md) from the jars Maven resolved. Run by dist/pom.xml in the
# package phase with these variables:
#   BUNDLE_DIR                 the bundle directory to (re)create; a .tar.gz of it is written next to it
#   BUNDLE_LIB_CLASSPATH       class path file: engine-cli and its runtime jars (for lib/)
#   BUNDLE_TEST_JAR_CLASSPATH  class path file: the tests module's test-jar
#   BUNDLE_LAUNCHER_CLASSPATH  class path file: the JUnit console launcher
#   BUNDLE_TEST_CLASSPATH      class path file: the tests module's test class path
#   BUNDLE_SOURCES             dist/src (bin/ scripts)
#   BUNDLE_SOURCE_ROOT         the project root
#   BUNDLE_SOURCE_DIRS         directories under it that tests read (comma-separated), copied at the same paths
#   BUNDLE_JDK                 the JDK whose jdeps/jlink make runtime/
#   BUNDLE_EXTRA_MODULES       modules jdeps cannot see (comma-separated, may be empty)
#   BUNDLE_JVM_OPTIONS         options built into the runtime for every JVM it starts (may be empty)
#   BUNDLE_EXCLUDE_FILES       jlink --exclude-files patterns for the runtime (may be empty)
#   BUNDLE_MAX_MIB             size limit of the bundle directory
#   BUNDLE_VERSION             project version
set -euo pipefail

fail() {
  echo "bundle: $*" >&2
  exit 1
}

for v in BUNDLE_DIR BUNDLE_LIB_CLASSPATH BUNDLE_TEST_JAR_CLASSPATH BUNDLE_LAUNCHER_CLASSPATH BUNDLE_TEST_CLASSPATH BUNDLE_SOURCES BUNDLE_SOURCE_ROOT BUNDLE_JDK BUNDLE_MAX_MIB BUNDLE_VERSION; do
  [ -n "${!v:-}" ] || fail "$v is not set (run through Maven: ./mvnw -B -Pbundle package)"
done
[ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ] \
  || fail "the bundle is for Linux x86-64 and must be built there (the runtime and the JCuda natives are this machine's); this is $(uname -sm)"
for tool in jdeps jlink jar; do
  [ -x "$BUNDLE_JDK/bin/$tool" ] || fail "$BUNDLE_JDK/bin/$tool not found; -Dbundle.jdk must name a full JDK (17 or newer)"
done
for f in "$BUNDLE_LIB_CLASSPATH" "$BUNDLE_TEST_JAR_CLASSPATH" "$BUNDLE_LAUNCHER_CLASSPATH" "$BUNDLE_TEST_CLASSPATH"; do
  [ -f "$f" ] || fail "$f is missing; build the whole project with -Pbundle (./mvnw -B -Pbundle package)"
done

# Reads a class path file (one line, ':'-separated, as maven-dependency-plugin's build-classpath writes it) into the
# array named by $2. Every entry must be a jar: a directory means the build stopped before the package phase.
read_classpath() {
  local file="$1" e parts=()
  local -n into="$2"
  into=()
  IFS=: read -r -a parts <"$file" || true
  for e in "${parts[@]}"; do
    [ -n "$e" ] || continue
    [ -f "$e" ] && [ "${e%.jar}" != "$e" ] || fail "class path entry $e (in $file) is not a jar; run the package phase"
    into+=("$e")
  done
}

# Native libraries that the bundle leaves out of the natives jars: the PTX compiler binding (24 MB, unused: the
# kernels are compiled ahead of time).
native_excludes=('*JNvPTXCompiler*')

# Copies one jar into a directory, refusing a second jar of the same name. Natives jars for another platform are
# dropped; natives jars for this one lose the libraries in native_excludes.
put_jar() {
  local jar="$1" dest="$2" name
  name="$(basename "$jar")"
  [ ! -e "$dest/$name" ] || fail "two jars named $name ($jar and one copied before)"
  case "$name" in
    *-natives-*)
      case "$name" in
        *-linux-x86_64.jar) ;;
        *) echo "bundle: leaving out $name (not linux-x86_64)"; return 0 ;;
      esac
      local listing drop=()
      listing="$("$BUNDLE_JDK/bin/jar" tf "$jar")"
      for pattern in "${native_excludes[@]}"; do
        while IFS= read -r e; do
          # shellcheck disable=SC2053
          [[ -n "$e" && "$e" == $pattern ]] && drop+=("$e")
        done <<<"$listing"
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
read_classpath "$BUNDLE_LIB_CLASSPATH" lib_jars
[ ${#lib_jars[@]} -gt 0 ] || fail "no runtime jars in $BUNDLE_LIB_CLASSPATH"
for jar in "${lib_jars[@]}"; do
  put_jar "$jar" "$BUNDLE_DIR/lib"
done

# tests/: the test classes, the JUnit console launcher, and the jars of the tests' class path that lib/ does not
# have. The launcher jar carries the JUnit Platform, Jupiter, OpenTest4J and API Guardian at the build's JUnit
# version, so the separate jars of those are not copied again.
read_classpath "$BUNDLE_TEST_JAR_CLASSPATH" test_jar
read_classpath "$BUNDLE_LAUNCHER_CLASSPATH" launcher_jar
read_classpath "$BUNDLE_TEST_CLASSPATH" test_classpath
[ ${#test_jar[@]} -eq 1 ] || fail "expected the tests' test-jar in $BUNDLE_TEST_JAR_CLASSPATH, found ${#test_jar[@]} jars"
[ ${#launcher_jar[@]} -eq 1 ] || fail "expected the JUnit console launcher in $BUNDLE_LAUNCHER_CLASSPATH"
# A fixed name, so that bin/msense-tests scans this jar and no other test-jar that the tests may depend on.
cp "${test_jar[0]}" "$BUNDLE_DIR/tests/msense-tests.jar"
put_jar "${launcher_jar[0]}" "$BUNDLE_DIR/tests"
launcher_version="$(basename "${launcher_jar[0]}" .jar)"
launcher_version="${launcher_version#junit-platform-console-standalone-}"
for jar in "${test_classpath[@]}"; do
  name="$(basename "$jar")"
  case " ${lib_jars[*]} " in
    *" $jar "*) continue ;;
  esac
  case "$name" in
    junit-platform-*)
      [ "${name%-"$launcher_version".jar}" != "$name" ] \
        || fail "the launcher ($launcher_version) does not match the tests' $name; set junit.platform.version in dist/pom.xml"
      continue ;;
    junit-jupiter-*|opentest4j-*|apiguardian-api-*) continue ;;
  esac
  put_jar "$jar" "$BUNDLE_DIR/tests"
done

t_jars=$SECONDS
cp "$BUNDLE_SOURCES"/bin/* "$BUNDLE_DIR/bin/"
chmod 755 "$BUNDLE_DIR"/bin/*
IFS=, read -r -a source_dirs <<<"${BUNDLE_SOURCE_DIRS:-}" || true
for d in "${source_dirs[@]}"; do
  [ -d "$BUNDLE_SOURCE_ROOT/$d" ] || fail "$d (bundle.sourceDirs) is not a directory under $BUNDLE_SOURCE_ROOT"
  mkdir -p "$BUNDLE_DIR/$(dirname "$d")"
  cp -r "$BUNDLE_SOURCE_ROOT/$d" "$BUNDLE_DIR/$d"
done

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
if [ -n "${BUNDLE_JVM_OPTIONS:-}" ]; then
  jlink_opts+=("--add-options=$BUNDLE_JVM_OPTIONS")
fi
if [ -n "${BUNDLE_EXCLUDE_FILES:-}" ]; then
  jlink_opts+=("--exclude-files=$BUNDLE_EXCLUDE_FILES")
fi
"$BUNDLE_JDK/bin/jlink" --add-modules "$modules" --output "$BUNDLE_DIR/runtime" "${jlink_opts[@]}"
"$BUNDLE_DIR/runtime/bin/java" -version >/dev/null 2>&1 || fail "the linked runtime does not start"
t_runtime=$SECONDS

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
echo "bundle: size $(mib "$total") MiB (runtime $(mib "$(bytes "$BUNDLE_DIR/runtime")"), lib $(mib "$(bytes "$BUNDLE_DIR/lib")"), tests $(mib "$(bytes "$BUNDLE_DIR/tests")"), other $(mib "$(( total - $(bytes "$BUNDLE_DIR/runtime") - $(bytes "$BUNDLE_DIR/lib") - $(bytes "$BUNDLE_DIR/tests") ))")); limit $BUNDLE_MAX_MIB MiB"
if [ "$total" -gt $(( BUNDLE_MAX_MIB * 1048576 )) ]; then
  fail "the bundle is $(mib "$total") MiB, over the limit of $BUNDLE_MAX_MIB MiB (see the breakdown above)"
fi

parent="$(dirname "$BUNDLE_DIR")"
tar -C "$parent" -czf "$BUNDLE_DIR.tar.gz" "$(basename "$BUNDLE_DIR")"
echo "bundle: $BUNDLE_DIR ($(mib "$total") MiB) and $BUNDLE_DIR.tar.gz ($(mib "$(bytes "$BUNDLE_DIR.tar.gz")") MiB)"
echo "bundle: assembled in ${SECONDS} s (jars $t_jars s, runtime $(( t_runtime - t_jars )) s, archive $(( SECONDS - t_runtime )) s)"
