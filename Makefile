# Thin front door over CMake. The README's two commands:
#   make run    install what is missing, build, index corpus/, serve it
#   make test   install what is missing, build, run every test
# Everything real lives in CMakeLists.txt; this file only sequences steps.

BUILD_DIR   ?= build
BUILD_TYPE  ?= RelWithDebInfo
INDEX_DIR   ?= $(BUILD_DIR)/index
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

ifeq ($(CI),true)
CMAKE_FLAGS += -DLANTERN_WERROR=ON
endif

.PHONY: all deps configure build run test index check-corpus sanitize clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

index: build
	@$(BUILD_DIR)/indexer/lantern-index --index $(INDEX_DIR) corpus

check-corpus: build
	@$(BUILD_DIR)/indexer/lantern-index --check corpus

run: index
	@scripts/run-demo.sh $(BUILD_DIR) $(INDEX_DIR)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# ASan + UBSan build and test run in its own build tree.
sanitize: deps
	@cmake --preset sanitize >/dev/null
	@cmake --build --preset sanitize -j $(JOBS)
	@ctest --preset sanitize -j $(JOBS)

clean:
	rm -rf $(BUILD_DIR) build-sanitize
