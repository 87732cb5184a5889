// CLRPROBE_PIN(sym, "GLIBC_x.y"): defines __wrap_<sym> as a tail jump to
// <sym>@GLIBC_x.y, an older version of the function that glibc still exports.
// With the linker's --wrap=<sym> (src/compat/CMakeLists.txt), every reference
// to <sym> in the link then asks the loader for that version, not the newest.
// A jump, not a C++ call, so the wrapper needs no signature: arguments and
// return value pass through untouched. `.symver` makes the assembler refer to
// the named version of the symbol instead of the default (newest) one.
#pragma once

#define CLRPROBE_PIN(sym, version)                          \
  __asm__(".text\n"                                         \
          ".globl __wrap_" #sym "\n"                        \
          ".hidden __wrap_" #sym "\n"                       \
          ".type __wrap_" #sym ", @function\n"              \
          "__wrap_" #sym ":\n"                              \
          "  jmp clrprobe_floor_" #sym "@PLT\n"             \
          ".size __wrap_" #sym ", . - __wrap_" #sym "\n"    \
          ".symver clrprobe_floor_" #sym ", " #sym "@" version "\n")
