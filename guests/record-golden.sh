#!/usr/bin/env bash
# Records the golden outputs of the guest programs with QEMU user mode (the oracle).
#
# For every entry of manifest.json: make a fresh empty temp dir, cd into it, run
#   env -i K=V... qemu-riscv64 -L /usr/riscv64-linux-gnu <abs bin/NAME> args...
# with the manifest's stdin (or /dev/null), and write golden/NAME.stdout,
# golden/NAME.stderr and golden/NAME.status (exit status as the shell sees it, e.g.
# 139 for SIGSEGV). For portable entries the native build (build/native/NAME, made by
# `make -C guests native`) is run the same way: its stdout goes to
# golden/NAME.native.stdout and any difference in stdout or status from QEMU's is
# reported. Then the same for the benchmarks (bench/golden/NAME.stdout).
#
# Usage: guests/record-golden.sh [NAME...]     (default: every entry)
# Needs: qemu-riscv64 (Debian qemu-user), the sysroot /usr/riscv64-linux-gnu, node.
set -u
here=$(cd "$(dirname "$0")" && pwd)
QEMU=${QEMU:-qemu-riscv64}
SYSROOT=${SYSROOT:-/usr/riscv64-linux-gnu}
TIMEOUT=${TIMEOUT:-300}   # seconds per run (a status of 124 means it timed out)
ulimit -c 0          # no core files (QEMU would dump a host core into the cwd)
mkdir -p "$here/golden" "$here/bench/golden"

only=("$@")
wanted() {
    [ ${#only[@]} -eq 0 ] && return 0
    local n
    for n in "${only[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}

# Emits one NUL-separated record per entry:
#   name portable has_stdin stdin nargs args... nenv K=V...
manifest_records() {
    node -e '
        const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const out = [];
        for (const e of m) {
            out.push(e.name, e.portable ? "1" : "0", "stdin" in e ? "1" : "0", e.stdin ?? "");
            const args = e.args ?? [];
            out.push(String(args.length), ...args);
            const env = Object.entries(e.env ?? {});
            out.push(String(env.length), ...env.map(([k, v]) => k + "=" + v));
        }
        process.stdout.write(out.map((s) => s + "\0").join(""));
    ' "$1"
}

# Reads one record of manifest_records from stdin into name, portable, has_stdin, stdin_text,
# args[] and envs[]; fails at the end of the input.
read_record() {
    IFS= read -r -d '' name || return 1
    IFS= read -r -d '' portable
    IFS= read -r -d '' has_stdin
    IFS= read -r -d '' stdin_text
    IFS= read -r -d '' nargs
    args=()
    for ((i = 0; i < nargs; i++)); do IFS= read -r -d '' a; args+=("$a"); done
    IFS= read -r -d '' nenv
    envs=()
    for ((i = 0; i < nenv; i++)); do IFS= read -r -d '' kv; envs+=("$kv"); done
}

# run_one OUTPREFIX STDINFILE ENVARRAYNAME -- command...
# Runs the command in a fresh temp dir; writes OUTPREFIX.stdout/.stderr/.status.
run_one() {
    local prefix=$1 stdin_file=$2 envname=$3
    shift 4
    local tmp
    tmp=$(mktemp -d)
    local -n envref=$envname
    # The outer braces keep bash's own "Segmentation fault" report off the terminal.
    {
        (
            cd "$tmp" && exec timeout -k 5 "$TIMEOUT" env -i "${envref[@]}" "$@" <"$stdin_file" >"$prefix.stdout" 2>"$prefix.stderr"
        )
    } 2>/dev/null
    echo $? >"$prefix.status"
    rm -rf "$tmp"
}

differences=0
total=0
while read_record; do
    wanted "$name" || continue
    total=$((total + 1))

    stdin_file=/dev/null
    scratch=$(mktemp -d)
    if [ "$has_stdin" = 1 ]; then
        stdin_file=$scratch/stdin
        printf '%s' "$stdin_text" >"$stdin_file"
    fi
    bin=$here/bin/$name
    if [ ! -x "$bin" ]; then echo "MISSING binary $bin" >&2; differences=$((differences + 1)); continue; fi
    run_one "$here/golden/$name" "$stdin_file" envs -- "$QEMU" -L "$SYSROOT" "$bin" "${args[@]}"
    status=$(cat "$here/golden/$name.status")
    line="$name: status $status"
    if [ "$portable" = 1 ]; then
        nbin=$here/build/native/$name
        if [ -x "$nbin" ]; then
            run_one "$scratch/native" "$stdin_file" envs -- "$nbin" "${args[@]}"
            mv "$scratch/native.stdout" "$here/golden/$name.native.stdout"
            nstatus=$(cat "$scratch/native.status")
            if ! cmp -s "$here/golden/$name.stdout" "$here/golden/$name.native.stdout" || [ "$status" != "$nstatus" ]; then
                differences=$((differences + 1))
                line="$line  NATIVE DIFFERS (native status $nstatus)"
                echo "$line"
                diff "$here/golden/$name.stdout" "$here/golden/$name.native.stdout" | head -20
                rm -rf "$scratch"
                continue
            fi
            line="$line  native agrees"
        else
            line="$line  (no native build: run make -C guests native)"
        fi
    fi
    echo "$line"
    rm -rf "$scratch"
done < <(manifest_records "$here/manifest.json")

# Benchmarks: stdout only (they must exit 0).
if [ -f "$here/bench/manifest.json" ]; then
    while read_record; do
        wanted "bench/$name" || { [ ${#only[@]} -eq 0 ] || continue; }
        scratch=$(mktemp -d)
        start=$(date +%s.%N)
        run_one "$scratch/out" /dev/null envs -- "$QEMU" -L "$SYSROOT" "$here/bench/bin/$name" "${args[@]}"
        end=$(date +%s.%N)
        mv "$scratch/out.stdout" "$here/bench/golden/$name.stdout"
        st=$(cat "$scratch/out.status")
        printf 'bench/%s: status %s, %.2f s under qemu\n' "$name" "$st" "$(echo "$end - $start" | bc)"
        [ "$st" = 0 ] || differences=$((differences + 1))
        rm -rf "$scratch"
    done < <(manifest_records "$here/bench/manifest.json")
fi

echo "$total programs recorded, $differences problem(s)"
[ "$differences" -eq 0 ]
