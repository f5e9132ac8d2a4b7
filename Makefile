# vitnet's front door. `make demo` and `make test` are all a fresh Debian machine needs.
BUILD ?= build
PREFIX ?= /usr/local
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps deps-test deps-bench configure build test sanitize unit demo bench install package generate clean format fuzz

all: build

# Debian packages by group (scripts/deps.sh): build for everything, test peers for `make test`,
# benchmark anchors for `make bench`.
deps:
	@bash scripts/deps.sh build

deps-test:
	@bash scripts/deps.sh build test

deps-bench:
	@bash scripts/deps.sh build bench

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Unit, end-to-end and interop tests, all registered with CTest.
test: deps-test build
	cd $(BUILD) && ctest --output-on-failure -j 2 --timeout 300

# The whole suite again under ASan + UBSan (gcc), in its own build folder. A finding fails the run:
# the test whose process it stopped, and the report files left in $(SAN_BUILD)/reports.
SAN_BUILD ?= build-sanitize
SAN_REPORTS = $(abspath $(SAN_BUILD))/reports
sanitize: deps-test
	cmake -S . -B $(SAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVITNET_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(SAN_BUILD) -j $(JOBS)
	rm -rf $(SAN_REPORTS) && mkdir -p $(SAN_REPORTS)
	cd $(SAN_BUILD) && \
	  ASAN_OPTIONS=log_path=$(SAN_REPORTS)/asan:detect_leaks=0:abort_on_error=0:print_stacktrace=1 \
	  UBSAN_OPTIONS=log_path=$(SAN_REPORTS)/ubsan:print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j 2 --timeout 300
	@if [ -n "$$(ls -A $(SAN_REPORTS))" ]; then \
	  echo "sanitizer reports in $(SAN_REPORTS):"; head -n 40 $(SAN_REPORTS)/*; exit 1; fi

demo: build
	@bash scripts/demo.sh $(BUILD)/vitnet

bench: deps-bench build
	@bash bench/run.sh $(BUILD)/vitnet

# Regenerates the committed man pages and completions from the CLI definition.
generate: build
	@bash scripts/generate.sh $(BUILD)/vitnet

install: build
	install -Dm755 $(BUILD)/vitnet $(DESTDIR)$(PREFIX)/bin/vitnet
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -Dm644 completions/vitnet.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/vitnet
	install -Dm644 completions/_vitnet $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_vitnet
	install -Dm644 completions/vitnet.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/vitnet.fish

# A Debian package of the build (CPack's DEB generator, rules at the end of CMakeLists.txt): the
# stripped binary, man pages and completions, Depends: computed by dpkg-shlibdeps. The .deb is
# written into $(BUILD); its path is the last line printed.
package: build
	@bash scripts/deps.sh package
	cd $(BUILD) && cpack -G DEB
	@ls -t $(abspath $(BUILD))/vitnet_*.deb | head -n 1

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD)

# Coverage-guided fuzzing of every parser with libFuzzer (clang), FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.cpp,%,$(wildcard tests/fuzz/fuzz_*.cpp))
fuzz:
	@bash scripts/deps.sh build fuzz
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVITNET_FUZZ=ON
	cmake --build build-fuzz --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$t && \
	  build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done
