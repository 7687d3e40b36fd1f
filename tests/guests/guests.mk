# tests/guests/guests.mk - the freestanding test guests: 32-bit Multiboot2
# ELF kernels linked at 1 MiB, one per tests/guests/NAME.c, each linked
# with tests/guests/lib/ and the hypervisor's own lib/fmt.c and
# lib/string.c built for -m32. Output: build/guests/NAME.elf.
# See docs/guests.md.

GUESTS     := $(sort $(patsubst tests/guests/%.c,%,$(wildcard tests/guests/*.c)))
GUEST_ELFS := $(patsubst %,$(BUILD)/guests/%.elf,$(GUESTS))
GUEST_LIB  := $(sort $(wildcard tests/guests/lib/*.c tests/guests/lib/*.S)) \
              lib/fmt.c lib/string.c
GUEST_LIB_OBJS := $(patsubst %,$(BUILD)/guests/obj/%.o,$(GUEST_LIB))

GUEST_CFLAGS := -m32 -std=gnu11 -ffreestanding -fno-stack-protector -fno-pic \
                -fno-pie -mgeneral-regs-only -fno-asynchronous-unwind-tables \
                -O2 -g -fno-strict-aliasing $(WARN) -I. -MMD -MP
GUEST_LDFLAGS := -m elf_i386 -nostdlib -static -z max-page-size=0x1000 \
                 -z noexecstack -T tests/guests/guest.ld

$(BUILD)/guests/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC32    $<")
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guests/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS32    $<")
	$(Q)$(CC) -m32 -fno-pic -fno-pie -I. -MMD -MP -c $< -o $@

$(BUILD)/guests/%.elf: $(BUILD)/guests/obj/tests/guests/%.c.o \
		       $(GUEST_LIB_OBJS) tests/guests/guest.ld
	@$(if $(Q),echo "  LD32    $@")
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^)

# Only the virtio guests link the virtio driver (tests/guests/lib/virtio/):
# the others keep their images, hence their memory checksums, as they were.
VIRTIO_GUESTS   := virtio-blk virtio-garbage
VIRTIO_LIB_OBJS := $(BUILD)/guests/obj/tests/guests/lib/virtio/virtio.c.o
$(VIRTIO_GUESTS:%=$(BUILD)/guests/%.elf): $(VIRTIO_LIB_OBJS)

# The disk image the virtio guests read (a known pattern per sector).
GUEST_DISK := $(BUILD)/guests/virtio-disk.img
$(GUEST_DISK): tests/guests/mkdisk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MKDISK  $@")
	$(Q)tests/guests/mkdisk $@ 64

guests: $(GUEST_ELFS) $(GUEST_DISK)

# The loader's unit test also loads the real guests.
$(BUILD)/unit/test_load_multiboot: | guests

-include $(wildcard $(BUILD)/guests/obj/tests/guests/*.d \
                   $(BUILD)/guests/obj/tests/guests/lib/*.d \
                   $(BUILD)/guests/obj/tests/guests/lib/virtio/*.d \
                   $(BUILD)/guests/obj/lib/*.d)

.PHONY: guests

# Keep the objects make would otherwise delete as intermediates.
.SECONDARY: $(GUEST_LIB_OBJS) $(VIRTIO_LIB_OBJS) \
	    $(patsubst %,$(BUILD)/guests/obj/tests/guests/%.c.o,$(GUESTS))
