# tests/fuzz/fuzz.mk - libFuzzer targets, built for the host with clang
# (-fsanitize=fuzzer,address,undefined) under build/fuzz/. Each
# tests/fuzz/fuzz_NAME.c has a tests/fuzz/fuzz_NAME.mk that sets
# fuzz_NAME_SRCS to the very kernel files it exercises.
#
#   make fuzz        build them, run each for a fixed number of inputs
#                    (tests/fuzz/run; FUZZ_RUNS=N to change it)

FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
-include $(wildcard tests/fuzz/fuzz_*.mk)

FUZZ_CC     := clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer \
               -Wall -Wextra -Werror -Wno-unused-parameter -I. -DHOST_TEST \
               -MMD -MP

.SECONDEXPANSION:
$(BUILD)/fuzz/%: tests/fuzz/%.c $$($$*_SRCS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

fuzz-build: $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS))

fuzz: deps fuzz-build
	@tests/fuzz/run

-include $(wildcard $(BUILD)/fuzz/*.d)

.PHONY: fuzz fuzz-build
