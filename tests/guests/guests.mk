# tests/guests/guests.mk - the freestanding test guests: 32-bit Multiboot2
# ELF kernels linked at 1 MiB, one per tests/guests/NAME.c, each linked
# with the Multiboot2 header (tests/guests/boot/mb2.S), tests/guests/lib/
# and the hypervisor's own lib/fmt.c and lib/string.c built for -m32.
# Output: build/guests/NAME.elf. The hello guest is also built as a
# Multiboot (v1) ELF (hello-mb1.elf) and as a flat binary with the
# Multiboot a.out kludge (hello-aout.bin). The smp guest also links its
# AP trampoline (tests/guests/smp_trampoline.S); the linux-loader guest
# links the hypervisor's Linux loader (vmx/load_linux.c). See
# docs/guests.md.

GUESTS     := $(sort $(patsubst tests/guests/%.c,%,$(wildcard tests/guests/*.c)))
GUEST_ELFS := $(patsubst %,$(BUILD)/guests/%.elf,$(GUESTS))
GUEST_MB1  := $(BUILD)/guests/hello-mb1.elf $(BUILD)/guests/hello-aout.bin
GUEST_LIB  := $(sort $(wildcard tests/guests/lib/*.c tests/guests/lib/*.S)) \
              lib/fmt.c lib/string.c
GUEST_LIB_OBJS := $(patsubst %,$(BUILD)/guests/obj/%.o,$(GUEST_LIB))
GUEST_BOOT = $(BUILD)/guests/obj/tests/guests/boot/$(1).S.o

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

# guest_link OUTPUT, HEADER (a file of tests/guests/boot/), GUEST,
# [more objects]
define guest_link
	@mkdir -p $(dir $(1))
	@$(if $(Q),echo "  LD32    $(1)")
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $(1) $(call GUEST_BOOT,$(2)) \
		$(BUILD)/guests/obj/tests/guests/$(3).c.o $(GUEST_LIB_OBJS) $(4)
endef

$(BUILD)/guests/%.elf: $(BUILD)/guests/obj/tests/guests/%.c.o \
		       $(GUEST_LIB_OBJS) $(call GUEST_BOOT,mb2) \
		       tests/guests/guest.ld
	$(call guest_link,$@,mb2,$*,$(filter $(VIRTIO_LIB_OBJS) $(SMP_OBJS) \
		$(LOADER_OBJS),$^))

# Only the virtio guests link the virtio driver (tests/guests/lib/virtio/):
# the others keep their images, hence their memory checksums, as they were.
# All of them use the transport (mmio.c), the disk guests the block driver,
# the network guests the network driver.
VIRTIO_GUESTS    := virtio-blk virtio-garbage virtio-net uplink-ping \
		    disk-scan
VIRTIO_BLK_GUESTS := virtio-blk virtio-garbage disk-scan
VIRTIO_NET_GUESTS := virtio-net uplink-ping
VIRTIO_MMIO_OBJ  := $(BUILD)/guests/obj/tests/guests/lib/virtio/mmio.c.o
VIRTIO_BLK_OBJ   := $(BUILD)/guests/obj/tests/guests/lib/virtio/blk.c.o
VIRTIO_NET_OBJ   := $(BUILD)/guests/obj/tests/guests/lib/virtio/net.c.o
VIRTIO_LIB_OBJS  := $(VIRTIO_MMIO_OBJ) $(VIRTIO_BLK_OBJ) $(VIRTIO_NET_OBJ)
$(VIRTIO_GUESTS:%=$(BUILD)/guests/%.elf): $(VIRTIO_MMIO_OBJ)
$(VIRTIO_BLK_GUESTS:%=$(BUILD)/guests/%.elf): $(VIRTIO_BLK_OBJ)
$(VIRTIO_NET_GUESTS:%=$(BUILD)/guests/%.elf): $(VIRTIO_NET_OBJ)

# The smp guest's APs come in through its real-mode trampoline.
SMP_OBJS := $(BUILD)/guests/obj/tests/guests/smp_trampoline.S.o
$(BUILD)/guests/smp.elf: $(SMP_OBJS)

# The linux-loader guest links the hypervisor's own Linux loader, built
# for -m32, and its switch to 64-bit mode (tests/guests/linux_entry.S).
LOADER_OBJS := $(patsubst %,$(BUILD)/guests/obj/%.o,vmx/load_linux.c \
		vmx/e820.c vmx/boot64.c tests/guests/linux_entry.S)
$(BUILD)/guests/linux-loader.elf: $(LOADER_OBJS)

# The disk image the virtio guests read (a known pattern per sector).
GUEST_DISK := $(BUILD)/guests/virtio-disk.img
$(GUEST_DISK): tests/guests/mkdisk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MKDISK  $@")
	$(Q)tests/guests/mkdisk $@ 64

# hello as a Multiboot (v1) ELF, and as a flat binary whose header's
# a.out-kludge fields say where it goes (no ELF headers at all).
$(BUILD)/guests/hello-mb1.elf: $(BUILD)/guests/obj/tests/guests/hello.c.o \
			       $(GUEST_LIB_OBJS) $(call GUEST_BOOT,mb1) \
			       tests/guests/guest.ld
	$(call guest_link,$@,mb1,hello)

$(BUILD)/guests/obj/hello-aout.elf: $(BUILD)/guests/obj/tests/guests/hello.c.o \
				    $(GUEST_LIB_OBJS) \
				    $(call GUEST_BOOT,mb1-aout) \
				    tests/guests/guest.ld
	$(call guest_link,$@,mb1-aout,hello)

$(BUILD)/guests/hello-aout.bin: $(BUILD)/guests/obj/hello-aout.elf
	@$(if $(Q),echo "  OBJCOPY $@")
	$(Q)$(OBJCOPY) -O binary $< $@

guests: $(GUEST_ELFS) $(GUEST_MB1) $(GUEST_DISK)

# The loader's and the guest library's unit tests load the real guests.
$(BUILD)/unit/test_load_multiboot $(BUILD)/unit/test_guest_lib: | guests

-include $(wildcard $(BUILD)/guests/obj/tests/guests/*.d \
                   $(BUILD)/guests/obj/tests/guests/boot/*.d \
                   $(BUILD)/guests/obj/tests/guests/lib/*.d \
                   $(BUILD)/guests/obj/tests/guests/lib/virtio/*.d \
                   $(BUILD)/guests/obj/lib/*.d \
                   $(BUILD)/guests/obj/vmx/*.d)

.PHONY: guests

# Keep the objects make would otherwise delete as intermediates.
.SECONDARY: $(GUEST_LIB_OBJS) $(VIRTIO_LIB_OBJS) $(SMP_OBJS) $(LOADER_OBJS) \
	    $(BUILD)/guests/obj/hello-aout.elf \
	    $(foreach h,mb2 mb1 mb1-aout,$(call GUEST_BOOT,$(h))) \
	    $(patsubst %,$(BUILD)/guests/obj/tests/guests/%.c.o,$(GUESTS))
