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
#   EXIT_STATUS   QEMU must exit by itself with this status (0: ACPI S5
#                 power-off; isa-debug-exit gives odd statuses)
# The ESP is a copy of build/esp under build/integration/NAME/esp; QEMU
# shows it as a FAT disk. COM1 goes to serial.log; with -nographic OVMF
# also writes its console (ConOut) there. QEMU's own output and how the
# run ended are in qemu.log.

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

run_qemu() { # dir name
	local wd=$out/$2 esp=$out/$2/esp pid
	qemu_make_esp "$esp" || return 1
	: > "$wd/serial.log"
	local cmd=(qemu-system-x86_64 -machine q35 -cpu max -smp "$CPUS"
		-m "$MEGS" -nographic -bios "$OVMF"
		-drive "format=raw,file=fat:rw:$esp" -net none
		-serial "file:$wd/serial.log" -monitor none
		-device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot)
	echo "${cmd[*]}" > "$wd/qemu.log"
	"${cmd[@]}" < /dev/null >> "$wd/qemu.log" 2>&1 &
	pid=$!
	qemu_wait "$pid" "$wd/serial.log" >> "$wd/qemu.log"
}

# qemu_check_exit NAME: prints what is wrong when EXIT_STATUS is set and
# QEMU did not exit by itself with it.
qemu_check_exit() {
	[ -z "$EXIT_STATUS" ] && return 0
	grep -q "^qemu exited by itself, status $EXIT_STATUS\$" "$out/$1/qemu.log" && return 0
	echo "QEMU did not power off by itself with status $EXIT_STATUS ($(tail -n 1 "$out/$1/qemu.log"))"
	return 1
}
