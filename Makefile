# thirdsite: the two commands of README.md, and a few more.
#   make demo   installs what is missing, builds, runs the main job
#   make test   installs what is missing, builds, runs every test, then the
#               whole suite again under AddressSanitizer + UBSan
#   make        builds build/thirdsite
#   make bench  runs benchmarks B1 and B2 against the GSL baseline (bench/b1.sh, b2.sh)
#   make fuzz   fuzzes every target (libFuzzer) for FUZZ_SECONDS each
#   make coverage  line and branch coverage of src/ and cli/ by the suite
JOBS ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan
PORTABLE_BUILD ?= build-portable
COVERAGE_BUILD ?= build-coverage

.PHONY: all build deps demo test test-release test-asan test-portable test-fuzz test-alloc fuzz \
	bench coverage clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	@./viewer/build.sh

demo: build
	@./scripts/demo.sh $(BUILD)/thirdsite

test: test-release test-portable test-asan test-fuzz

test-release: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The portable configuration (plain x86-64, no -march=native): it must
# build under -Werror, give the native build's bytes for every shipped
# scenario (also with glibc's baseline libm), and run clean under valgrind.
test-portable: build
	@cmake -S . -B $(PORTABLE_BUILD) -DCMAKE_BUILD_TYPE=Release -DTS_NATIVE=OFF >/dev/null
	@cmake --build $(PORTABLE_BUILD) -j $(JOBS) --target thirdsite
	@./tests/crossbuild.sh $(BUILD)/thirdsite $(PORTABLE_BUILD)/thirdsite
	@./tests/valgrind.sh $(PORTABLE_BUILD)/thirdsite

# Sanitizer pass: a LeakSanitizer report does not fail a Criterion test by
# itself, so the log is searched for any sanitizer report as well.
test-asan: deps
	@./viewer/build.sh
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTS_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && { ctest --output-on-failure -j $(JOBS) > ctest.log 2>&1; rc=$$?; \
	  tail -n 3 ctest.log; \
	  if grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' ctest.log; then \
	    echo "sanitizer reports in $(ASAN_BUILD)/ctest.log"; exit 1; fi; \
	  if [ $$rc -ne 0 ]; then grep -A30 -E 'Failed|\*\*\*' ctest.log | head -150; exit $$rc; fi; }

# The fuzz targets (tests/fuzz/run.sh: scenario loader, quantity and
# position parsers, propagate CSV reader): a short fixed-seed run of each
# in `make test`, FUZZ_SECONDS each with `make fuzz`.
FUZZ_SECONDS ?= 300
test-fuzz: deps
	@FUZZ_SEED=1 ./tests/fuzz/run.sh 8

fuzz: deps
	@./tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: build
	@./bench/b1.sh
	@./bench/b2.sh

# Allocation failure for every n over loading and a tiny run (slow: about
# 7,600 runs; make test fails every 50th of the run's).
test-alloc: build
	@cmake -S . -B $(BUILD) -DTS_ALLOC_STRIDE=1 >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target alloc_fail
	@cd $(BUILD) && ctest --output-on-failure -R '^alloc_fail$$'; rc=$$?; \
	  cmake -S .. -B . -DTS_ALLOC_STRIDE=50 >/dev/null; exit $$rc

# Coverage (gcovr, Debian package): the whole suite on a --coverage build,
# then line and branch coverage per file of src/ and cli/; HTML report in
# $(COVERAGE_BUILD)/coverage/index.html.
coverage: deps
	@cmake -S . -B $(COVERAGE_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTS_COVERAGE=ON >/dev/null
	@cmake --build $(COVERAGE_BUILD) -j $(JOBS)
	@find $(COVERAGE_BUILD) -name '*.gcda' -delete
	@cd $(COVERAGE_BUILD) && { ctest -j $(JOBS) > ctest.log 2>&1 || \
	  { echo "coverage: tests failed in the instrumented -O0 build (timing limits, e.g."; \
	    echo "test_engage's cost per engagement, may; make test is the gate):"; \
	    grep -E '^\s+[0-9]+ - ' ctest.log; }; }
	@mkdir -p $(COVERAGE_BUILD)/coverage
	@gcovr -r . --filter 'src/' --filter 'cli/' -j $(JOBS) --branches \
	  --html-details $(COVERAGE_BUILD)/coverage/index.html --txt - $(COVERAGE_BUILD) \
	  | tee $(COVERAGE_BUILD)/coverage/branches.txt
	@gcovr -r . --filter 'src/' --filter 'cli/' -j $(JOBS) --txt - $(COVERAGE_BUILD) \
	  | tee $(COVERAGE_BUILD)/coverage/lines.txt

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(PORTABLE_BUILD) $(COVERAGE_BUILD)
