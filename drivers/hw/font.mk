# drivers/hw/font.mk - the console font linked into hv.elf for fbcon.c:
# Lat15-VGA16 from Debian's console-setup-linux (8x16 pixels, the VGA
# look, ASCII at its own code points), gunzipped and cut by
# scripts/psf-strip to its header and 256 glyphs (4100 bytes, no Unicode
# table), then included by drivers/hw/font.S with .incbin.

FONT_SRC := /usr/share/consolefonts/Lat15-VGA16.psf.gz
FONT_PSF := $(BUILD)/font/Lat15-VGA16.psf

$(FONT_PSF): $(FONT_SRC) scripts/psf-strip
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FONT    $@")
	$(Q)gunzip -c $< | scripts/psf-strip > $@.tmp && mv $@.tmp $@

$(FONT_SRC):
	@echo "font: $@ is missing: run 'make deps' (package console-setup-linux)" >&2
	@exit 1

# .incbin is not in the assembler's dependency output: name it here.
$(BUILD)/kernel/drivers/hw/font.S.o: $(FONT_PSF)
$(BUILD)/kernel/drivers/hw/font.S.o: KASFLAGS += -DFONT_PSF='"$(FONT_PSF)"'

# tests/unit/test_fbcon.c checks that this very font parses.
unit-build: $(FONT_PSF)
