// The glibc floor, executables only: pow (libm; the agent does not use it,
// and a pin here would make it need libm) and __libc_start_main (crt1.o).
//
// Since glibc 2.34, crt1.o passes no `init` function and __libc_start_main
// (new version GLIBC_2.34) runs the program's constructors itself. The older
// version (GLIBC_2.2.5, still exported) runs only the `init` it is given:
// called with none, on glibc 2.28 it would skip every static constructor.
// So the wrapper gives it one that does what glibc's __libc_csu_init did
// (and what 2.34's call_init does): _init, then .init_array. Glibc 2.34+
// takes that `init` as a legacy program's and does not run them twice.
// (.preinit_array is run by the dynamic loader in both.)
#if !defined(__x86_64__)
#error "the glibc floor is written for x86_64"
#endif

#include "compat/glibc_pin.h"

// Same results; the 2.29 version only dropped the old error-handling modes.
CLRPROBE_PIN(pow, "GLIBC_2.2.5");

using InitFunction = void (*)(int, char**, char**);
using MainFunction = int (*)(int, char**, char**);

extern "C" {
int clrprobe_floor_libc_start_main(MainFunction main, int argc, char** argv, InitFunction init, void (*fini)(),
                                   void (*rtld_fini)(), void* stack_end);
__asm__(".symver clrprobe_floor_libc_start_main, __libc_start_main@GLIBC_2.2.5");

// Defined by crti.o and by the linker (hidden, in this executable).
void _init();
extern InitFunction __init_array_start[];
extern InitFunction __init_array_end[];
}

namespace {
void run_initializers(int argc, char** argv, char** envp) {
  _init();
  for (InitFunction* f = __init_array_start; f != __init_array_end; ++f) (*f)(argc, argv, envp);
}
}  // namespace

extern "C" __attribute__((visibility("hidden"))) int __wrap___libc_start_main(
    MainFunction main, int argc, char** argv, InitFunction init, void (*fini)(), void (*rtld_fini)(),
    void* stack_end) {
  return clrprobe_floor_libc_start_main(main, argc, argv, init ? init : run_initializers, fini, rtld_fini,
                                        stack_end);
}
