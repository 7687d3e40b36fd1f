# tools/tools.mk - programs for the host built from the hypervisor's own
# pure-logic files: build/hv-disk (tools/hv-disk.c; run it through
# scripts/hv-disk, which builds it when needed).

TOOL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
               -I.
HV_DISK_SRCS := tools/hv-disk.c drivers/block/thin.c \
                drivers/block/sector_dev.c drivers/block/blk_backend.c \
                lib/crc32.c lib/fmt.c lib/log.c

# one command for all its files: rebuilt when any of them or a header of
# theirs changes
$(BUILD)/hv-disk: $(HV_DISK_SRCS) $(wildcard drivers/block/*.h lib/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(TOOL_CFLAGS) -o $@ $(HV_DISK_SRCS)

tools: $(BUILD)/hv-disk

.PHONY: tools
