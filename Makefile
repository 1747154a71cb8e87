# thirdsite: the two commands of README.md, and a few more.
#   make demo   installs what is missing, builds, runs the main job
#   make test   installs what is missing, builds, runs every test, then the
#               whole suite again under AddressSanitizer + UBSan
#   make        builds build/thirdsite
#   make bench  runs benchmark B1 against the GSL baseline (bench/b1.sh)
#   make fuzz   fuzzes the scenario loader (libFuzzer) for FUZZ_SECONDS
JOBS ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan

.PHONY: all build deps demo test test-release test-asan test-fuzz fuzz bench clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@./scripts/demo.sh $(BUILD)/thirdsite

test: test-release test-asan test-fuzz

test-release: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Sanitizer pass: a LeakSanitizer report does not fail a Criterion test by
# itself, so the log is searched for any sanitizer report as well.
test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTS_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && { ctest --output-on-failure -j $(JOBS) > ctest.log 2>&1; rc=$$?; \
	  tail -n 3 ctest.log; \
	  if grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' ctest.log; then \
	    echo "sanitizer reports in $(ASAN_BUILD)/ctest.log"; exit 1; fi; \
	  if [ $$rc -ne 0 ]; then grep -A30 -E 'Failed|\*\*\*' ctest.log | head -150; exit $$rc; fi; }

# The scenario loader under libFuzzer: a short run in `make test`, a longer
# one with `make fuzz` (FUZZ_SECONDS=600 make fuzz for longer still).
FUZZ_SECONDS ?= 300
test-fuzz: deps
	@FUZZ_SEED=1 ./tests/fuzz/run.sh 20

fuzz: deps
	@./tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: build
	@./bench/b1.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
