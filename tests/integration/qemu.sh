# tests/integration/qemu.sh - QEMU + OVMF scenarios (the UEFI boot path),
# sourced by tests/integration/run, which calls run_qemu DIR NAME.
#
# QEMU's TCG has no VT-x, so these scenarios prove BOOTX64.EFI, the
# kernel's start before VMXON and the error it gives without VT-x.
# Scenario variables, besides CPUS, MEGS and TIMEOUT:
#   ESP_FILES     DEST=SRC ...: put file SRC (path from the repo top) at
#                 DEST in the scenario's ESP, e.g.
#                 EFI/hv/hv.cfg=tests/integration/scenarios/x/hv.cfg
#   ESP_REMOVE    DEST ...: leave these files out of the ESP
#   DONE_PATTERN  an extended regular expression: QEMU is stopped once a
#                 line of the serial log matches it. For runs that do not
#                 power off by themselves, e.g. a loader that returns to
#                 the firmware, which then shows its boot menu.
#   DISK          a raw disk image, a file name in the scenario's output
#                 folder (its prepare makes it): a SATA disk with model
#                 "hv test disk" on port 1 of q35's ICH9 AHCI controller
#                 (the hypervisor's ahci0-port1; the ESP is on port 0)
#   IOMMU         intel: the machine gets QEMU's VT-d remapping unit
#                 (-device intel-iommu, 48-bit tables, no interrupt
#                 remapping) before any PCI device it adds, and the
#                 firmware's ACPI tables a DMAR table (docs/vt-d.md)
#   IDE_DISK      a raw disk image, a file name in the scenario's output
#                 folder (prepare makes it): the master disk of a PIIX3
#                 IDE controller added to q35 (whose own disks are
#                 AHCI), so the hypervisor's ATA driver sees it as
#                 ata0-master and does bus-master DMA to it
#   E1000         a MAC: an e1000 card (the hypervisor's uplink driver's
#                 model) on QEMU's user network, restricted (nothing
#                 leaves QEMU)
#   EXIT_STATUS   QEMU must exit by itself with this status (0: ACPI S5
#                 power-off; isa-debug-exit gives odd statuses). With a
#                 `screen` file, 0 means the guest powered off through
#                 ACPI: QMP reported its SHUTDOWN and the VM stopped.
# The ESP is a copy of build/esp under build/integration/NAME/esp; QEMU
# shows it as a FAT disk. COM1 goes to serial.log; with -nographic OVMF
# also writes its console (ConOut) there. QEMU's own output and how the
# run ended are in qemu.log.
#
# A scenario with a `screen` file (tests/integration/run) checks the
# console fbcon.c mirrors on OVMF's GOP framebuffer (the std VGA, 32-bit
# RGB): QEMU runs without a window (-display none), with -no-shutdown, so
# that the guest's ACPI power-off stops the VM instead of ending QEMU,
# and a QMP socket in the scenario's folder. qmp-screen waits there for
# the power-off, dumps the screen to screen.ppm and screen.png, and quits
# QEMU; screen-text reads the characters back from screen.ppm with the
# font hv.elf links (build/font/*.psf) into screen.txt. DONE_PATTERN is
# not supported then (the scenario fails, saying so).

OVMF=/usr/share/ovmf/OVMF.fd

qemu_make_esp() { # esp
	local esp=$1 spec
	rm -rf "$esp"
	cp -r build/esp "$esp" || return 1
	for spec in $ESP_REMOVE; do
		rm -f "$esp/$spec"
	done
	for spec in $ESP_FILES; do
		mkdir -p "$(dirname "$esp/${spec%%=*}")"
		cp "${spec#*=}" "$esp/${spec%%=*}" || return 1
	done
}

# qemu_wait PID LOG: waits until QEMU exits, DONE_PATTERN shows in LOG
# or TIMEOUT passes; prints how the run ended.
qemu_wait() {
	local pid=$1 log=$2 i
	for ((i = 0; i < TIMEOUT * 5; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			echo "qemu exited by itself, status $?"
			return
		fi
		if [ -n "$DONE_PATTERN" ] &&
			tr -d '\r' < "$log" | grep -q -E -- "$DONE_PATTERN"; then
			kill "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			echo "qemu stopped: the serial log matched /$DONE_PATTERN/"
			return
		fi
		sleep 0.2
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "qemu killed after ${TIMEOUT}s"
}

# qemu_reap PID: after qmp-screen asked QEMU to quit (or saw it end),
# waits up to 5 s for it, then kills it. Its exit status says nothing
# about the guest here: the line does not read "qemu exited by itself".
qemu_reap() {
	local pid=$1 i status
	for ((i = 0; i < 25; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid"
	status=$?
	echo "qemu ended after qmp-screen, status $status"
}

run_qemu() { # dir name
	local wd=$out/$2 esp=$out/$2/esp pid screen=0 fonts
	[ -f "$1/screen" ] && screen=1
	qemu_make_esp "$esp" || return 1
	: > "$wd/serial.log"
	local cmd=(qemu-system-x86_64 -machine q35 -cpu max -smp "$CPUS"
		-m "$MEGS" -bios "$OVMF")
	# the IOMMU before the devices it translates: a PCI device added
	# before it would reach memory around it
	case $IOMMU in
	"") ;;
	intel) cmd+=(-device intel-iommu,aw-bits=48,intremap=off) ;;
	*)
		echo "run_qemu: unknown IOMMU=$IOMMU (intel or nothing)" |
			tee "$wd/serial.log" > "$wd/qemu.log"
		return 1
		;;
	esac
	[ -n "$IDE_DISK" ] && cmd+=(-device piix3-ide,id=pide
		-drive "if=none,id=hd0,format=raw,file=$wd/$IDE_DISK"
		-device ide-hd,drive=hd0,bus=pide.0)
	[ -n "$E1000" ] && cmd+=(-netdev user,id=n0,restrict=on
		-device "e1000,netdev=n0,mac=$E1000,romfile=")
	cmd+=(-drive "format=raw,file=fat:rw:$esp" -net none
		-serial "file:$wd/serial.log"
		-device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot)
	if [ -n "$DISK" ]; then
		cmd+=(-drive "if=none,id=hvdisk,format=raw,file=$wd/$DISK"
			-device "ide-hd,drive=hvdisk,bus=ide.1,model=hv test disk")
	fi
	if [ $screen = 1 ]; then
		cmd+=(-display none -vga std -no-shutdown -monitor none
			-qmp "unix:$wd/qmp.sock,server=on,wait=off")
	else
		cmd+=(-nographic -monitor none)
	fi
	echo "${cmd[*]}" > "$wd/qemu.log"
	"${cmd[@]}" < /dev/null >> "$wd/qemu.log" 2>&1 &
	pid=$!
	if [ $screen = 0 ]; then
		qemu_wait "$pid" "$wd/serial.log" >> "$wd/qemu.log"
		return
	fi
	if [ -n "$DONE_PATTERN" ]; then # fail the scenario, saying why
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null
		echo "run_qemu: DONE_PATTERN is not supported with a screen file" |
			tee "$wd/serial.log" >> "$wd/qemu.log"
		return 1
	fi
	tests/integration/qmp-screen --socket "$wd/qmp.sock" --pid "$pid" \
		--timeout "$TIMEOUT" --ppm "$wd/screen.ppm" \
		--png "$wd/screen.png" >> "$wd/qemu.log" 2>&1
	qemu_reap "$pid" >> "$wd/qemu.log"
	fonts=(build/font/*.psf)
	[ -s "$wd/screen.ppm" ] && [ ${#fonts[@]} = 1 ] &&
		tests/integration/screen-text "${fonts[0]}" "$wd/screen.ppm" \
			"$wd/screen.txt" >> "$wd/qemu.log" 2>&1
	return 0
}

# qemu_check_exit NAME: prints what is wrong when EXIT_STATUS is set and
# QEMU did not exit by itself with it (or, for EXIT_STATUS=0 in a screen
# scenario, was not stopped by the guest's ACPI power-off).
qemu_check_exit() {
	[ -z "$EXIT_STATUS" ] && return 0
	grep -q "^qemu exited by itself, status $EXIT_STATUS\$" "$out/$1/qemu.log" && return 0
	# with -no-shutdown (screen scenarios) QEMU stops instead of exiting
	[ "$EXIT_STATUS" = 0 ] &&
		grep -q "^qemu stopped by the guest's power-off (QMP SHUTDOWN event, reason guest-shutdown; status shutdown)" \
			"$out/$1/qemu.log" && return 0
	echo "QEMU did not power off by itself with status $EXIT_STATUS ($(tail -n 1 "$out/$1/qemu.log"))"
	return 1
}
