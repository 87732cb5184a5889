#!/usr/bin/env bash
# Checks what a binary asks of the system that loads it (issue 16):
#   - every NEEDED library is in the allowed list (the C library family);
#   - no symbol needs a glibc version newer than the floor;
#   - with --exports, the dynamic symbols it defines are exactly those.
# With --doc FILE, also that FILE states the floor ("glibc <floor>"), so the
# README cannot drift from the build (the floor is CLRPROBE_GLIBC_FLOOR).
#
# usage: check_elf.sh FILE --floor 2.28 --needed "libc.so.6 ..." [--exports "Sym ..."] [--doc README.md]
set -euo pipefail

file=$1
shift
floor="" needed="" exports="" doc=""
while (($#)); do
  case $1 in
    --floor) floor=$2 ;;
    --needed) needed=$2 ;;
    --exports) exports=$2 ;;
    --doc) doc=$2 ;;
    *) echo "check_elf: unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done
[[ -f $file ]] || { echo "check_elf: $file does not exist" >&2; exit 1; }
status=0

# NEEDED entries: "Shared library: [libc.so.6]"
actual_needed=$(readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "$file needs: $(echo $actual_needed)"
for lib in $actual_needed; do
  if [[ " $needed " != *" $lib "* ]]; then
    echo "check_elf: FAIL: $file needs $lib, outside the allowed set ($needed)" >&2
    status=1
  fi
done

# Versioned references: "(GLIBC_2.34) pthread_create" in objdump -T.
newest=$(objdump -T "$file" | grep -o '(GLIBC_[0-9.]*)' | tr -d '()' | sed 's/GLIBC_//' | sort -Vu | tail -n 1)
echo "$file: newest glibc symbol version needed: ${newest:-none} (floor: $floor)"
too_new=$(objdump -T "$file" | awk -v floor="$floor" '
  function newer(v, f,   a, b, i, n) {
    n = split(v, a, "."); split(f, b, ".")
    for (i = 1; i <= 3; i++) { if ((a[i] + 0) != (b[i] + 0)) return (a[i] + 0) > (b[i] + 0) }
    return 0
  }
  match($0, /\(GLIBC_[0-9.]+\)/) {
    v = substr($0, RSTART + 7, RLENGTH - 8)
    if (newer(v, floor)) print "  " $NF "@GLIBC_" v
  }')
if [[ -n $too_new ]]; then
  echo "check_elf: FAIL: symbols newer than glibc $floor (add them to src/compat, or raise the floor and say why):" >&2
  echo "$too_new" >&2
  status=1
fi

if [[ -n $exports ]]; then
  # Defined dynamic symbols (not *UND*), names only.
  defined=$(objdump -T "$file" | awk '$0 ~ /DF|DO/ && $0 !~ /\*UND\*/ { print $NF }' | sort -u | tr '\n' ' ')
  expected=$(echo $exports | tr ' ' '\n' | sort -u | tr '\n' ' ')
  echo "$file exports: $defined"
  if [[ $defined != "$expected" ]]; then
    echo "check_elf: FAIL: $file exports '$defined', expected '$expected'" >&2
    status=1
  fi
fi

if [[ -n $doc ]] && ! grep -q "glibc $floor" "$doc"; then
  echo "check_elf: FAIL: $doc does not say 'glibc $floor' (the floor the build checks)" >&2
  status=1
fi
exit $status
