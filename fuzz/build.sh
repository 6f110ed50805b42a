#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script: builds every fuzz target of fuzz/targets.txt into
# $OUT/<name>_fuzzer with the compiler, flags and fuzzing engine the environment gives
# ($CC, $CXX, $CFLAGS, $CXXFLAGS, $LIB_FUZZING_ENGINE), and puts beside each its seed corpus
# (<name>_fuzzer_seed_corpus.zip), dictionary (.dict) and options (.options).
# The libraries under test (loopcheck_core, the aio adapter, aio, aio::sim, the generator and
# the reference model) are built with
# CMake using the same flags, so they carry the sanitizer and coverage instrumentation.
# Needs: cmake >= 3.25, ninja or make, yaml-cpp and nlohmann-json headers
# (Debian: libyaml-cpp-dev nlohmann-json3-dev), python3 (for the zip files).
# Locally, as OSS-Fuzz runs it for libFuzzer + ASan:
#   CC=clang CXX=clang++ CFLAGS="-O1 -gline-tables-only -fsanitize=address,fuzzer-no-link" \
#   CXXFLAGS="$CFLAGS" LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/build.sh
cd "$(dirname "$0")/.."
ROOT=$PWD
: "${OUT:?set OUT to the output directory}"
: "${CC:=clang}" "${CXX:=clang++}" "${CFLAGS:=}" "${CXXFLAGS:=}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
WORK=${WORK:-$ROOT/build/oss-fuzz}
BUILD=$WORK/loopcheck
mkdir -p "$OUT" "$BUILD"

# clang 14 cannot emit coroutines with both coverage instrumentation and -fsanitize=function
# (part of OSS-Fuzz's UBSan set): "Cannot represent a difference across sections".
EXTRA="-fno-sanitize=function"
generator=$(command -v ninja >/dev/null && echo Ninja || echo "Unix Makefiles")
cmake -S "$ROOT" -B "$BUILD" -G "$generator" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS $EXTRA" -DCMAKE_CXX_FLAGS="$CXXFLAGS $EXTRA" \
  -DCMAKE_C_FLAGS_RELEASE="" -DCMAKE_CXX_FLAGS_RELEASE="" \
  -DAIO_BUILD_TESTS=OFF -DAIO_BUILD_BENCH=OFF -DAIO_HEADER_CHECK=OFF
cmake --build "$BUILD" -j "$(nproc)" --target loopcheck_generate loopcheck_core loopcheck_model \
  loopcheck_aio_adapter aio_sim aio_default

# loopcheck_core refers to the in-process adapters (aio_bridge.cpp, model_bridge.cpp), so every
# target links the whole chain, users before what they use; a static link takes only the
# archive members it needs.
LIBS=""
for l in loopcheck_generate loopcheck_core loopcheck_model loopcheck_aio_adapter loopcheck_lang \
         aio_sim aio_default aio_real aio_core; do
  a=$(find "$BUILD" -name "lib$l.a" | head -n 1)
  [ -n "$a" ] || { echo "fuzz/build.sh: lib$l.a was not built" >&2; exit 1; }
  LIBS="$LIBS $a"
done
LIBS="$LIBS -lyaml-cpp -pthread"
INCLUDES="-I$ROOT/fuzz -I$ROOT/conformance/include -I$ROOT/conformance/adapters/aio/include"
INCLUDES="$INCLUDES -I$ROOT/conformance/generate/include -I$ROOT/conformance/model/include"

grep '^[a-z]' fuzz/targets.txt | while read -r name seeds; do
  bin=${name}_fuzzer
  echo "== $bin"
  # shellcheck disable=SC2086
  $CXX $CXXFLAGS $EXTRA -std=c++20 $INCLUDES -c "fuzz/$bin.cpp" -o "$WORK/$bin.o"
  # shellcheck disable=SC2086
  $CXX $CXXFLAGS $EXTRA "$WORK/$bin.o" $LIBS $LIB_FUZZING_ENGINE -o "$OUT/$bin"
  [ -f "fuzz/$name.dict" ] && cp "fuzz/$name.dict" "$OUT/$bin.dict"
  printf '[libfuzzer]\nmax_len = 8192\ntimeout = 10\n' > "$OUT/$bin.options"
  # shellcheck disable=SC2086
  python3 - "$OUT/${bin}_seed_corpus.zip" $seeds <<'PY'
import os, sys, zipfile
out, dirs = sys.argv[1], sys.argv[2:]
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    for d in dirs:
        for base, _, files in os.walk(d):
            for f in sorted(files):
                path = os.path.join(base, f)
                z.write(path, os.path.relpath(path).replace('/', '_'))
PY
done
echo "fuzz/build.sh: targets in $OUT"
