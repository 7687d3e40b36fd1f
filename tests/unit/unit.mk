# tests/unit/unit.mk - cmocka unit tests, built for the host with
# AddressSanitizer and UBSan. Each tests/unit/test_NAME.c has a
# tests/unit/test_NAME.mk that sets test_NAME_SRCS to the very kernel
# files it tests; they are compiled for the host with -DHOST_TEST.
# A test's dependencies (build/unit/test_NAME.d) are the headers of all
# its sources (-MM over them at once: -MMD in the one compile-and-link
# command would keep only the last source's).

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
-include $(wildcard tests/unit/test_*.mk)

UNIT_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer \
               -Wall -Wextra -Werror -Wno-unused-parameter -I. -DHOST_TEST
UNIT_LIBS   := -lcmocka

.SECONDEXPANSION:
$(BUILD)/unit/%: tests/unit/%.c tests/unit/support.c $$($$*_SRCS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) -std=gnu11 -I. -DHOST_TEST -MM -MP -MT $@ \
		$(filter %.c,$^) > $@.d
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS)

unit-build: $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))

unit: deps unit-build
	@tests/unit/run

-include $(wildcard $(BUILD)/unit/*.d)

.PHONY: unit unit-build
