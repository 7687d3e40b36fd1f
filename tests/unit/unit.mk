# tests/unit/unit.mk - cmocka unit tests, built for the host with
# AddressSanitizer and UBSan. Each tests/unit/test_NAME.c has a
# tests/unit/test_NAME.mk that sets test_NAME_SRCS to the very kernel
# files it tests; they are compiled for the host with -DHOST_TEST.

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
-include $(wildcard tests/unit/test_*.mk)

UNIT_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer \
               -Wall -Wextra -Werror -Wno-unused-parameter -I. -DHOST_TEST \
               -MMD -MP
UNIT_LIBS   := -lcmocka

.SECONDEXPANSION:
$(BUILD)/unit/%: tests/unit/%.c tests/unit/support.c $$($$*_SRCS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS)

unit-build: $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))

unit: deps unit-build
	@tests/unit/run

-include $(wildcard $(BUILD)/unit/*.d)

.PHONY: unit unit-build
