# tests/lib.sh - shared by the test runners: one result line per test and
# the running totals. Source it; call result NAME pass|fail [DETAIL].
# Totals are appended to $RESULTS_FILE (if set) so tests/run-all can add
# up what several runners saw.
passed=0
failed=0
if [ -t 1 ]; then green=$'\e[32m' red=$'\e[31m' plain=$'\e[0m'; else green= red= plain=; fi

result() {
	local name=$1 verdict=$2 detail=${3:-}
	if [ "$verdict" = pass ]; then
		passed=$((passed + 1))
		printf '%sPASS%s %s%s\n' "$green" "$plain" "$name" "${detail:+ ($detail)}"
	else
		failed=$((failed + 1))
		printf '%sFAIL%s %s%s\n' "$red" "$plain" "$name" "${detail:+: $detail}"
	fi
}

finish() {
	if [ -n "${RESULTS_FILE:-}" ]; then
		echo "$passed $failed" >> "$RESULTS_FILE"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" = 0 ]
}
