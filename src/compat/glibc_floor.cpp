// The glibc floor (x86_64): what lets libclrprobe.so and clrprobe, built
// against this machine's glibc, load on every glibc from 2.28 (RHEL 8) on.
//
// The static linker binds each libc function to its newest version, so a
// build on glibc 2.36 asks for versions that older systems lack, and the
// loader refuses the library. The references come from our code, from the
// static libstdc++ and libgcc (and, in executables, from crt1.o: see
// glibc_floor_exe.cpp). The linker's --wrap option
// (list in CMakeLists.txt) sends every such reference to __wrap_<symbol>
// here, which either
//   - jumps to an older version of the same function that glibc still
//     exports (pthread_* moved from libpthread into libc in 2.34 and got new
//     versions there; pow got a new version in 2.29), or
//   - reimplements a function that did not exist in 2.28 with what did
//     (the stat family was exported only from 2.33, _dl_find_object from
//     2.35, arc4random from 2.36, pthread_cond_clockwait from 2.30,
//     __libc_single_threaded from 2.32).
// tests/package/check_elf.sh fails the build's tests if any reference newer
// than the floor is left, so a new libc function that sneaks in is caught.
#if !defined(__x86_64__)
#error "the glibc floor is written for x86_64 (symbol versions, system call numbers)"
#endif

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "compat/glibc_pin.h"

// ---- Pinned (glibc_pin.h) ---------------------------------------------
CLRPROBE_PIN(pthread_create, "GLIBC_2.2.5");
CLRPROBE_PIN(pthread_join, "GLIBC_2.2.5");
CLRPROBE_PIN(pthread_detach, "GLIBC_2.2.5");
CLRPROBE_PIN(pthread_once, "GLIBC_2.2.5");
CLRPROBE_PIN(pthread_key_create, "GLIBC_2.2.5");
CLRPROBE_PIN(__pthread_key_create, "GLIBC_2.2.5");
CLRPROBE_PIN(pthread_key_delete, "GLIBC_2.2.5");
CLRPROBE_PIN(pthread_getspecific, "GLIBC_2.2.5");
CLRPROBE_PIN(pthread_setspecific, "GLIBC_2.2.5");
CLRPROBE_PIN(pthread_sigmask, "GLIBC_2.2.5");
CLRPROBE_PIN(pthread_setname_np, "GLIBC_2.12");

#define CLRPROBE_FLOOR extern "C" __attribute__((visibility("hidden")))

// ---- __libc_single_threaded (2.32) --------------------------------------
// libstdc++ skips atomic reference counting when this says "one thread".
// Always 0: "maybe several threads", the safe answer (and the only true one
// inside a .NET process).
extern "C" {
__attribute__((visibility("hidden"))) char __wrap___libc_single_threaded = 0;
}

// ---- The stat family (exported from 2.33; before, inline wrappers) -------
// On x86_64 glibc's struct stat and stat64 are the kernel's struct stat, and
// glibc's own functions are these system calls. syscall() sets errno.
CLRPROBE_FLOOR int __wrap_fstat(int fd, struct stat* st) { return static_cast<int>(syscall(SYS_fstat, fd, st)); }
CLRPROBE_FLOOR int __wrap_fstat64(int fd, struct stat64* st) { return static_cast<int>(syscall(SYS_fstat, fd, st)); }
CLRPROBE_FLOOR int __wrap_stat(const char* path, struct stat* st) {
  return static_cast<int>(syscall(SYS_newfstatat, AT_FDCWD, path, st, 0));
}
CLRPROBE_FLOOR int __wrap_stat64(const char* path, struct stat64* st) {
  return static_cast<int>(syscall(SYS_newfstatat, AT_FDCWD, path, st, 0));
}
CLRPROBE_FLOOR int __wrap_lstat(const char* path, struct stat* st) {
  return static_cast<int>(syscall(SYS_newfstatat, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW));
}
CLRPROBE_FLOOR int __wrap_lstat64(const char* path, struct stat64* st) {
  return static_cast<int>(syscall(SYS_newfstatat, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW));
}
CLRPROBE_FLOOR int __wrap_fstatat(int dirfd, const char* path, struct stat* st, int flags) {
  return static_cast<int>(syscall(SYS_newfstatat, dirfd, path, st, flags));
}
CLRPROBE_FLOOR int __wrap_fstatat64(int dirfd, const char* path, struct stat64* st, int flags) {
  return static_cast<int>(syscall(SYS_newfstatat, dirfd, path, st, flags));
}

// ---- pthread_cond_clockwait (2.30) ----------------------------------------
// libstdc++ waits on steady_clock deadlines with it. Before 2.30 libstdc++
// itself converted such a deadline to the realtime clock and called
// pthread_cond_timedwait: the same here. The caller re-checks its clock after
// a timeout, so a realtime clock step can only cause an early or late
// wake-up, never a wrong result.
CLRPROBE_FLOOR int __wrap_pthread_cond_clockwait(pthread_cond_t* cond, pthread_mutex_t* mutex, clockid_t clock,
                                                 const struct timespec* abstime) {
  if (clock == CLOCK_REALTIME) return pthread_cond_timedwait(cond, mutex, abstime);
  if (clock != CLOCK_MONOTONIC) return EINVAL;
  struct timespec now_mono, now_real;
  clock_gettime(CLOCK_MONOTONIC, &now_mono);
  clock_gettime(CLOCK_REALTIME, &now_real);
  int64_t remaining_ns = (static_cast<int64_t>(abstime->tv_sec) - now_mono.tv_sec) * 1000000000LL +
                         (abstime->tv_nsec - now_mono.tv_nsec);
  if (remaining_ns < 0) remaining_ns = 0;
  int64_t deadline_ns = static_cast<int64_t>(now_real.tv_sec) * 1000000000LL + now_real.tv_nsec + remaining_ns;
  struct timespec deadline;
  deadline.tv_sec = static_cast<time_t>(deadline_ns / 1000000000LL);
  deadline.tv_nsec = static_cast<long>(deadline_ns % 1000000000LL);
  return pthread_cond_timedwait(cond, mutex, &deadline);
}

// ---- arc4random (2.36) ----------------------------------------------------
// std::random_device's default source. getrandom (2.25) from the kernel's
// pool, as glibc's arc4random does; /dev/urandom if the kernel lacks it.
CLRPROBE_FLOOR uint32_t __wrap_arc4random(void) {
  uint32_t value = 0;
  ssize_t got;
  do {
    got = getrandom(&value, sizeof value, 0);
  } while (got < 0 && errno == EINTR);
  if (got == static_cast<ssize_t>(sizeof value)) return value;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    got = read(fd, &value, sizeof value);
    close(fd);
    if (got == static_cast<ssize_t>(sizeof value)) return value;
  }
  // No randomness at all: glibc aborts here too.
  abort();
}

// ---- _dl_find_object (2.35) -----------------------------------------------
// The static libgcc unwinder asks it for the .eh_frame_hdr of the object that
// contains a return address while it unwinds an exception. Before 2.35
// libgcc found it by walking the loaded objects with dl_iterate_phdr (2.2.5):
// the same here. Only dlfo_map_start/end and dlfo_eh_frame are read on
// x86_64 (no dlfo_eh_dbase there).
namespace {
struct FindObject {
  uintptr_t pc;
  struct dl_find_object* result;
  bool found;
};

int find_object_in(struct dl_phdr_info* info, size_t, void* data) {
  auto* query = static_cast<FindObject*>(data);
  uintptr_t lowest = UINTPTR_MAX, highest = 0;
  bool contains = false;
  const ElfW(Phdr)* eh_frame = nullptr;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_GNU_EH_FRAME) eh_frame = &ph;
    if (ph.p_type != PT_LOAD) continue;
    uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    uintptr_t end = start + ph.p_memsz;
    if (start < lowest) lowest = start;
    if (end > highest) highest = end;
    if (query->pc >= start && query->pc < end) contains = true;
  }
  if (!contains) return 0;
  query->found = true;
  query->result->dlfo_flags = 0;
  query->result->dlfo_map_start = reinterpret_cast<void*>(lowest);
  query->result->dlfo_map_end = reinterpret_cast<void*>(highest);
  query->result->dlfo_link_map = nullptr;
  query->result->dlfo_eh_frame =
      eh_frame ? reinterpret_cast<void*>(info->dlpi_addr + eh_frame->p_vaddr) : nullptr;
  return 1;
}
}  // namespace

CLRPROBE_FLOOR int __wrap__dl_find_object(void* pc, struct dl_find_object* result) {
  FindObject query{reinterpret_cast<uintptr_t>(pc), result, false};
  dl_iterate_phdr(find_object_in, &query);
  return query.found ? 0 : -1;
}
