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
#   BUNDLE_PORTABLE_JDK        the portable JDK that BUNDLE_JDK defaults to where it is installed (for the messages)
#   BUNDLE_PORTABLE            auto, true or false: whether BUNDLE_JDK is built for old Linux systems, so that the
#                              runtime must not need more than BUNDLE_MAX_GLIBC and libraries outside the C library;
#                              auto: true for an Eclipse Temurin JDK (IMPLEMENTOR="Eclipse Adoptium" in its release file)
#   BUNDLE_MAX_GLIBC           highest GLIBC symbol version a portable runtime may require (e.g. 2.17)
#   BUNDLE_EXTRA_MODULES       modules jdeps cannot see (comma-separated, may be empty)
#   BUNDLE_JVM_OPTIONS         options built into the runtime for every JVM it starts (may be empty)
#   BUNDLE_EXCLUDE_FILES       jlink --exclude-files patterns for the runtime (may be empty)
#   BUNDLE_EXCLUDE_RESOURCES   jlink --exclude-resources patterns for the runtime (may be empty)
#   BUNDLE_STRIP               true: strip the symbol tables of the runtime's native files (needs binutils' strip)
#   BUNDLE_MAX_MIB             size limit of the bundle directory
#   BUNDLE_VERSION             project version
set -euo pipefail

fail() {
  echo "bundle: $*" >&2
  exit 1
}

for v in BUNDLE_DIR BUNDLE_LIB_CLASSPATH BUNDLE_TEST_JAR_CLASSPATH BUNDLE_LAUNCHER_CLASSPATH BUNDLE_TEST_CLASSPATH BUNDLE_SOURCES BUNDLE_SOURCE_ROOT BUNDLE_JDK BUNDLE_MAX_MIB BUNDLE_MAX_GLIBC BUNDLE_VERSION; do
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

# Native libraries that the bundle leaves out of the natives jars, none of which the CUDA backend loads (it uses the
# driver API and JCublas2 only): the PTX compiler binding (24 MB: the kernels are compiled ahead of time), NVRTC, the
# CUDA runtime API binding and the legacy JCublas binding.
native_excludes=('*JNvPTXCompiler*' '*JNvrtc*' '*JCudaRuntime*' '*libJCublas-*')

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
[ -n "$feature" ] || fail "$BUNDLE_JDK/bin/java does not run"
portable="${BUNDLE_PORTABLE:-auto}"
if [ "$portable" = auto ]; then
  portable=false
  grep -q '^IMPLEMENTOR="Eclipse Adoptium"' "$BUNDLE_JDK/release" 2>/dev/null && portable=true
fi
echo "bundle: runtime from $BUNDLE_JDK (Java $feature, portable: $portable)"
if [ "$portable" != true ]; then
  echo "bundle: WARNING: $BUNDLE_JDK is not a JDK built for old Linux systems: the bundle's runtime will need this" \
    "machine's C library version (or newer) and the libraries listed below on the GPU host. For a portable bundle" \
    "install Eclipse Temurin (expected at ${BUNDLE_PORTABLE_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}) or pass" \
    "-Dbundle.jdk=/path/to/temurin-jdk." >&2
fi
jars=("$BUNDLE_DIR"/lib/*.jar "$BUNDLE_DIR"/tests/*.jar)
cp_all="$(IFS=:; echo "${jars[*]}")"
modules="$("$BUNDLE_JDK/bin/jdeps" -q --ignore-missing-deps --multi-release "$feature" --print-module-deps \
  --class-path "$cp_all" "${jars[@]}")"
[ -n "$modules" ] || fail "jdeps found no modules"
if [ -n "${BUNDLE_EXTRA_MODULES:-}" ]; then
  modules="$modules,$BUNDLE_EXTRA_MODULES"
fi
echo "bundle: runtime modules: $modules"
jlink_opts=(--strip-debug --no-header-files --no-man-pages)
if [ "$feature" -ge 21 ]; then
  jlink_opts+=(--compress=zip-9)   # JDK 21+; the numbered levels are deprecated there
else
  jlink_opts+=(--compress=2)
fi
if [ -n "${BUNDLE_JVM_OPTIONS:-}" ]; then
  jlink_opts+=("--add-options=$BUNDLE_JVM_OPTIONS")
fi
if [ -n "${BUNDLE_EXCLUDE_FILES:-}" ]; then
  jlink_opts+=("--exclude-files=$BUNDLE_EXCLUDE_FILES")
fi
if [ -n "${BUNDLE_EXCLUDE_RESOURCES:-}" ]; then
  jlink_opts+=("--exclude-resources=$BUNDLE_EXCLUDE_RESOURCES")
fi
"$BUNDLE_JDK/bin/jlink" --add-modules "$modules" --output "$BUNDLE_DIR/runtime" "${jlink_opts[@]}" 2>&1 \
  | grep -v '^WARNING: Using incubator modules' || true
[ -x "$BUNDLE_DIR/runtime/bin/java" ] || fail "jlink made no runtime"

# The runtime's native files: executables and shared libraries (by their ELF magic number).
native_files=()
while IFS= read -r -d '' f; do
  if [ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
    native_files+=("$f")
  fi
done < <(find "$BUNDLE_DIR/runtime" -type f -print0)
[ ${#native_files[@]} -gt 0 ] || fail "no native files in the runtime"

# Symbol tables (.symtab) are not needed to run; some JDKs ship them (Temurin's libjvm.so: 5 MB of 30).
if [ "${BUNDLE_STRIP:-true}" = true ]; then
  if command -v strip >/dev/null; then
    before="$(du -sb "$BUNDLE_DIR/runtime" | cut -f1)"
    for f in "${native_files[@]}"; do
      chmod u+w "$f"
      strip --strip-unneeded "$f" || fail "strip failed on $f"
    done
    echo "bundle: stripped the runtime's native files: $(awk -v b="$(( before - $(du -sb "$BUNDLE_DIR/runtime" | cut -f1) ))" 'BEGIN { printf "%.1f", b / 1048576 }') MiB less"
  else
    echo "bundle: WARNING: strip (binutils) not found; the runtime's native files keep their symbol tables" >&2
  fi
fi
"$BUNDLE_DIR/runtime/bin/java" -version >/dev/null 2>&1 || fail "the linked runtime does not start"

# What the runtime needs from the host: the highest GLIBC symbol version over every native file, and the shared
# libraries they link that the runtime does not bring. A portable runtime may need the C library's own libraries
# only (libc, libm, libdl, libpthread, librt, the dynamic loader), at GLIBC_$BUNDLE_MAX_GLIBC or older.
elf_tool=""
command -v readelf >/dev/null && elf_tool=readelf
[ -z "$elf_tool" ] && command -v objdump >/dev/null && elf_tool=objdump
glibc="unknown"
host_libs=""
if [ -n "$elf_tool" ]; then
  own="$(for f in "${native_files[@]}"; do basename "$f"; done | sort -u)"
  for f in "${native_files[@]}"; do
    if [ "$elf_tool" = readelf ]; then
      readelf -V -W "$f" 2>/dev/null | grep -o 'Name: GLIBC_[0-9.]*' | sed 's/Name: //' || true
      readelf -d -W "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/NEEDED \1/p'
    else
      objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' || true
      objdump -p "$f" 2>/dev/null | awk '$1 == "NEEDED" { print "NEEDED " $2 }'
    fi
  done >"$BUNDLE_DIR.elf-needs"
  glibc="$( (grep '^GLIBC_[0-9]' "$BUNDLE_DIR.elf-needs" || true) | sed 's/GLIBC_//' | sort -V -u | tail -1)"
  [ -n "$glibc" ] || glibc="none"
  host_libs="$(sed -n 's/^NEEDED //p' "$BUNDLE_DIR.elf-needs" | sort -u | (grep -vxF "$own" || true) | tr '\n' ' ' | sed 's/ $//')"
  rm -f "$BUNDLE_DIR.elf-needs"
  foreign="$(for l in $host_libs; do case "$l" in
      libc.so.6|libm.so.6|libdl.so.2|libpthread.so.0|librt.so.1|ld-linux-x86-64.so.2) ;;
      *) echo "$l" ;;
    esac; done | tr '\n' ' ' | sed 's/ $//')"
  echo "bundle: the runtime needs GLIBC_$glibc at most (highest symbol version over ${#native_files[@]} native files, by $elf_tool) and these host libraries: $host_libs"
  if [ "$portable" = true ]; then
    [ "$glibc" = none ] || [ "$(printf '%s\n%s\n' "$glibc" "$BUNDLE_MAX_GLIBC" | sort -V | tail -1)" = "$BUNDLE_MAX_GLIBC" ] \
      || fail "the runtime from the portable JDK $BUNDLE_JDK needs GLIBC_$glibc, newer than the GLIBC_$BUNDLE_MAX_GLIBC allowed (bundle.maxGlibc)"
    [ -z "$foreign" ] \
      || fail "the runtime from the portable JDK $BUNDLE_JDK links libraries that a minimal system lacks: $foreign"
  else
    echo "bundle: WARNING: this bundle runs only where glibc is $glibc or newer${foreign:+ and $foreign are installed}" >&2
  fi
elif [ "$portable" = true ]; then
  fail "readelf or objdump (binutils) is needed to check that the runtime from $BUNDLE_JDK is portable"
else
  echo "bundle: WARNING: readelf/objdump not found; the runtime's GLIBC requirement is not known" >&2
fi
t_runtime=$SECONDS

{
  echo "version=$BUNDLE_VERSION"
  echo "runtime=$("$BUNDLE_DIR/runtime/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
  echo "modules=$modules"
  echo "platform=linux-x86_64"
  echo "portable=$portable"
  echo "glibc=$glibc"
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
# The archive is what travels to a GPU host; it must fit the transfers such hosts allow.
archive_max_mib="${BUNDLE_MAX_ARCHIVE_MIB:-60}"
if [ "$(bytes "$BUNDLE_DIR.tar.gz")" -gt $(( archive_max_mib * 1048576 )) ]; then
  fail "the archive $BUNDLE_DIR.tar.gz is $(mib "$(bytes "$BUNDLE_DIR.tar.gz")") MiB, over the limit of $archive_max_mib MiB"
fi
echo "bundle: assembled in ${SECONDS} s (jars $t_jars s, runtime $(( t_runtime - t_jars )) s, archive $(( SECONDS - t_runtime )) s)"
