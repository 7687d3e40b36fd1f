# boot/efi/efi.mk - the UEFI loader BOOTX64.EFI (gnu-efi) and the ESP folder
# build/esp/ that boots it: EFI/BOOT/BOOTX64.EFI, EFI/hv/hv.elf and
# EFI/hv/hv.cfg. Included by GNUmakefile.
#
# The loader is a PE32+ application: compiled position-independent for
# the host ABI (SysV), linked as a shared object with gnu-efi's crt0 and
# linker script, then converted with objcopy. It calls the firmware with
# the Microsoft x64 convention through EFIAPI (GNU_EFI_USE_MS_ABI). It
# does not link gnu-efi's libefi: the few firmware calls it makes are
# made directly, and lib/ gives it formatting and string functions.

EFI_INC     := /usr/include/efi
EFI_CRT0    := /usr/lib/crt0-efi-x86_64.o
EFI_LDS     := /usr/lib/elf_x86_64_efi.lds
EFI_LIBDIR  := /usr/lib

EFI_SRCS    := $(sort $(wildcard boot/efi/*.c)) lib/fmt.c lib/string.c \
               lib/str_copy.c
EFI_OBJS    := $(patsubst %.c,$(BUILD)/efi/%.o,$(EFI_SRCS))

EFI_CFLAGS  := -std=gnu11 -ffreestanding -fno-stack-protector -fpic \
               -fshort-wchar -mno-red-zone -mgeneral-regs-only -O2 -g \
               -fno-strict-aliasing -DGNU_EFI_USE_MS_ABI \
               -isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 -I. $(WARN) -MMD -MP
EFI_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic -T $(EFI_LDS) \
               -L$(EFI_LIBDIR)
EFI_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym \
                -j .rel -j .rela -j .rel.* -j .rela.* -j .reloc

$(BUILD)/efi/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  EFICC   $<")
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/efi/loader.so: $(EFI_OBJS) $(EFI_CRT0) $(EFI_LDS)
	@$(if $(Q),echo "  EFILD   $@")
	$(Q)$(LD) $(EFI_LDFLAGS) -o $@ $(EFI_CRT0) $(EFI_OBJS) -lgnuefi

$(BUILD)/BOOTX64.EFI: $(BUILD)/efi/loader.so
	@$(if $(Q),echo "  EFIAPP  $@")
	$(Q)$(OBJCOPY) $(EFI_SECTIONS) --target efi-app-x86_64 \
		--subsystem=10 $< $@

# The ESP folder: copy it to a FAT32 partition or USB stick, or give it to
# QEMU as -drive format=raw,file=fat:rw:build/esp.
ESP := $(BUILD)/esp

$(ESP)/EFI/BOOT/BOOTX64.EFI: $(BUILD)/BOOTX64.EFI
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(ESP)/EFI/hv/hv.elf: $(BUILD)/hv.elf
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(ESP)/EFI/hv/hv.cfg: $(DEMO_CFG)
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

# The demo's guest kernels, which hv.cfg names with `module =` lines.
$(ESP)/EFI/hv/guests/%.elf: $(BUILD)/guests/%.elf
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

efi:: $(BUILD)/BOOTX64.EFI $(ESP)/EFI/BOOT/BOOTX64.EFI $(ESP)/EFI/hv/hv.elf \
      $(ESP)/EFI/hv/hv.cfg $(DEMO_GUESTS:%=$(ESP)/EFI/hv/guests/%.elf)

-include $(EFI_OBJS:.o=.d)
