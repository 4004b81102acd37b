# zynqnn: `make demo` and `make test` do all set-up on a fresh Debian machine.
JOBS ?= $(shell nproc)
BUILD ?= build
CMAKE_FLAGS ?=
CTEST = ctest --output-on-failure -j $(JOBS) --timeout 600

FIXTURES ?= $(abspath ../shared/fixtures)
# ccache: objects compiled in one build tree are reused by another of the same flags (the
# package's build in the install test), whatever the folder they were compiled in.
# Paths under the repository are hashed relative to the build folder, so build/ and the
# package's build-wheel/ (pyproject.toml) share objects.
export CCACHE_NOHASHDIR ?= true
export CCACHE_BASEDIR ?= $(CURDIR)

.PHONY: all build build-demo deps deps-demo check-fixtures demo demo-loopback test bench test-unit test-asan \
        test-tsan test-armhf test-fuzz fuzz test-python clean

all: build

# What the tests and benchmarks need (compilers, sanitizer and cross toolchains, qemu, ...).
deps:
	@scripts/install-deps.sh test

# What the demo needs, and no more.
deps-demo:
	@scripts/install-deps.sh demo

# Everything: libraries, CLI, tests, benchmarks.
build: deps
	cmake -S . -B $(BUILD) -G Ninja -DZYNQNN_TESTS=ON -DZYNQNN_BENCH=ON -DZYNQNN_FIXTURES_DIR=$(FIXTURES) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

# The demo's targets only: the CLI, the C ABI library and the Python package's fast path.
build-demo: deps-demo
	cmake -S . -B $(BUILD) -G Ninja -DZYNQNN_TESTS=OFF -DZYNQNN_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS) --target zynqnn zynqnn_python

demo: build-demo
	scripts/demo.sh

# The seed example: the loopback kernel on the virtual board, clean and with a hung kernel.
demo-loopback: build-demo
	scripts/demo-loopback.sh

test: check-fixtures test-unit test-asan test-tsan test-armhf test-fuzz test-python
	@echo "make test: every stage passed"

# The tests hold zynqnn against other projects' artifacts (.hwh, Vivado scripts, ONNX models
# and operator tests) kept beside the repository, not in it.
check-fixtures:
	@[ -d "$(FIXTURES)/onnx" ] && [ -d "$(FIXTURES)/hwh" ] || { \
	  echo "make test: the shared fixtures are missing: expected $(FIXTURES) (with onnx/, hwh/, tcl/, finn-hlslib/) beside the repository; set FIXTURES=DIR to use another folder" >&2; exit 1; }

test-unit: build
	cd $(BUILD) && $(CTEST)

# Address + undefined-behaviour sanitizers over every C++ test.
test-asan: deps
	# -O1 with assertions on: the sanitizers' recommended level; the tests run several times
	# faster than at -O0 and compile no slower. Built with clang: a second compiler's warnings
	# and sanitizers beside the unit build's GCC, and a quarter to a third less compile time.
	cmake -S . -B build-asan -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g1" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
	  -DZYNQNN_SANITIZE="address;undefined" -DZYNQNN_FIXTURES_DIR=$(FIXTURES)
	cmake --build build-asan -j $(JOBS)
	# The node-fixture conformance run (127 kernels compiled with g++) and the designs built on
	# Xilinx's headers run in test-unit; here their compiler code is covered by the compiler's
	# unit tests instead of a second cold run.
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(CTEST) -E "compiler_check_onnx_node_fixtures|hls_designs_on_xilinx_ap_types"

# Thread sanitizer over the runtime (driver, boards, watchdog): where the threads are.
test-tsan: deps
	cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZYNQNN_SANITIZE=thread -DZYNQNN_RUNTIME_ONLY=ON
	cmake --build build-tsan -j $(JOBS)
	cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" $(CTEST)

# The runtime cross-built for the board's Cortex-A9 and its tests run under qemu-arm.
test-armhf: deps
	cmake -S . -B build-armhf -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-armhf.cmake -DZYNQNN_RUNTIME_ONLY=ON
	cmake --build build-armhf -j $(JOBS)
	cd build-armhf && $(CTEST)

# Every parser of outside input has a libFuzzer target; each runs briefly on its corpus.
test-fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DZYNQNN_FUZZ=ON -DZYNQNN_TESTS=OFF
	cmake --build build-fuzz -j $(JOBS) --target zynqnn_fuzzers
	scripts/run-fuzzers.sh build-fuzz

# The same fuzzers, longer (FUZZ_SECONDS per target), outside make test.
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DZYNQNN_FUZZ=ON -DZYNQNN_TESTS=OFF
	cmake --build build-fuzz -j $(JOBS) --target zynqnn_fuzzers
	FUZZ_SECONDS=$${FUZZ_SECONDS:-300} scripts/run-fuzzers.sh build-fuzz

test-python: build
	scripts/test-python.sh

bench: build
	scripts/bench.sh

clean:
	rm -rf build build-asan build-tsan build-armhf build-fuzz build-wheel
