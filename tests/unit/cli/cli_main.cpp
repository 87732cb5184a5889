// gtest main, plus a helper mode: the end-to-end tests run this binary as the
// COMMAND under `clrprobe run` when they need a child that reliably handles
// signals (a shell cannot trap signals it inherited as ignored).
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

namespace {

extern "C" void exit_on_signal(int sig) { ::_exit(40 + sig); }

// "--signal-helper": exit with 40+N on signal N (INT, TERM, HUP), or 0 after 10 s.
int signal_helper() {
  struct sigaction sa {};
  sa.sa_handler = exit_on_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (const char* ready = std::getenv("HELPER_READY_FILE")) {
    if (FILE* f = std::fopen(ready, "w")) std::fclose(f);
  }
  for (int i = 0; i < 1000; ++i) ::usleep(10000);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--signal-helper") == 0) return signal_helper();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
