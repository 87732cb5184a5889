// Finding dotnet-diagnostic-<pid>-<key>-socket in temporary directories.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>

#include "diagnostics/socket_discovery.h"
#include "support/temp_dir.h"

namespace clrprobe::diagnostics {
namespace {

namespace fs = std::filesystem;

class TempDir : public clrprobe::test_support::TempDir {
 public:
  TempDir() : clrprobe::test_support::TempDir("clrprobe-diag-test") {}
};

// A bound (not listening) socket file: what discovery looks for.
void make_socket_file(const std::string& path, time_t mtime) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof addr.sun_path);
  std::memcpy(addr.sun_path, path.data(), path.size());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
  ::close(fd);
  timespec times[2] = {{mtime, 0}, {mtime, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

constexpr pid_t kFakePid = 4242;

TEST(SocketName, ParsesKeyForThatPidOnly) {
  EXPECT_EQ(parse_socket_name("dotnet-diagnostic-4242-123456-socket", 4242), 123456u);
  EXPECT_EQ(parse_socket_name("dotnet-diagnostic-4242-0-socket", 4242), 0u);
  EXPECT_FALSE(parse_socket_name("dotnet-diagnostic-42420-1-socket", 4242));
  EXPECT_FALSE(parse_socket_name("dotnet-diagnostic-424-1-socket", 4242));
  EXPECT_FALSE(parse_socket_name("dotnet-diagnostic-4242--socket", 4242));
  EXPECT_FALSE(parse_socket_name("dotnet-diagnostic-4242-socket", 4242));
  EXPECT_FALSE(parse_socket_name("dotnet-diagnostic-4242-12x-socket", 4242));
  EXPECT_FALSE(parse_socket_name("dotnet-diagnostic-4242-1-socket.bak", 4242));
  EXPECT_FALSE(parse_socket_name("clrprobe-4242-1-socket", 4242));
}

TEST(Environ, FindsTmpdir) {
  using namespace std::string_literals;
  EXPECT_EQ(tmpdir_from_environ("A=1\0TMPDIR=/var/tmp/x\0B=2\0"s), "/var/tmp/x");
  EXPECT_EQ(tmpdir_from_environ("TMPDIR=/first\0TMPDIR=/second\0"s), "/first");
  EXPECT_FALSE(tmpdir_from_environ("A=1\0MYTMPDIR=/no\0"s));
  EXPECT_FALSE(tmpdir_from_environ("TMPDIR=\0"s));  // empty: the runtime uses /tmp
  EXPECT_FALSE(tmpdir_from_environ(""));
  EXPECT_EQ(tmpdir_from_environ("TMPDIR=/no-terminator"s), "/no-terminator");
}

TEST(Environ, ReadsOwnProcess) {
  // Our own environ is readable; whatever TMPDIR we were started with shows up.
  const char* ours = std::getenv("TMPDIR");
  auto found = process_tmpdir(::getpid());
  if (ours == nullptr || *ours == '\0') {
    EXPECT_FALSE(found.has_value());
  } else {
    EXPECT_EQ(found, std::string(ours));
  }
  auto dirs = default_search_dirs(::getpid());
  ASSERT_FALSE(dirs.empty());
  EXPECT_EQ(dirs.back(), "/tmp");
}

TEST(Discovery, NotFoundNamesTheDirectories) {
  TempDir dir;
  auto found = find_diagnostic_socket(kFakePid, {{dir.path()}, 1, std::nullopt});
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().reason, Reason::NotFound);
  EXPECT_NE(found.error().message.find(dir.path()), std::string::npos);
  EXPECT_NE(found.error().message.find("dotnet-diagnostic-4242-*-socket"), std::string::npos);
}

TEST(Discovery, FindsTheSocketAndIgnoresOthers) {
  TempDir dir;
  make_socket_file(dir.path() + "/dotnet-diagnostic-4242-777-socket", 1000);
  make_socket_file(dir.path() + "/dotnet-diagnostic-4243-777-socket", 2000);  // another pid
  // A regular file with the right name is not a socket.
  { FILE* f = std::fopen((dir.path() + "/dotnet-diagnostic-4242-999-socket").c_str(), "w"); std::fclose(f); }
  auto found = find_diagnostic_socket(kFakePid, {{dir.path()}, 1, std::nullopt});
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->path, dir.path() + "/dotnet-diagnostic-4242-777-socket");
  EXPECT_EQ(found->key, 777u);
  EXPECT_FALSE(found->key_matches);
}

// A process in a container: its socket is named by its pid in its namespace.
TEST(Discovery, AContainersSocketIsNamedByItsNamespacePid) {
  TempDir dir;
  make_socket_file(dir.path() + "/dotnet-diagnostic-7-777-socket", 1000);
  make_socket_file(dir.path() + "/dotnet-diagnostic-4242-778-socket", 1000);  // a host process 4242
  auto found = find_diagnostic_socket(kFakePid, {{dir.path()}, 1, pid_t{7}});
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->path, dir.path() + "/dotnet-diagnostic-7-777-socket");
  auto missing = find_diagnostic_socket(kFakePid, {{dir.path()}, 1, pid_t{8}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("dotnet-diagnostic-8-*-socket"), std::string::npos) << missing.error().message;
}

TEST(Discovery, PrefersMatchingKeyThenNewest) {
  TempDir a;
  TempDir b;
  make_socket_file(a.path() + "/dotnet-diagnostic-4242-100-socket", 1000);
  make_socket_file(b.path() + "/dotnet-diagnostic-4242-200-socket", 3000);
  make_socket_file(b.path() + "/dotnet-diagnostic-4242-300-socket", 2000);

  // No key matches: the newest wins, whatever the directory order.
  auto newest = find_diagnostic_socket(kFakePid, {{a.path(), b.path()}, 1, std::nullopt});
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(newest->key, 200u);

  // The process's own key beats a newer socket left by an earlier process.
  auto matching = find_diagnostic_socket(kFakePid, {{a.path(), b.path()}, 100, std::nullopt});
  ASSERT_TRUE(matching.ok());
  EXPECT_EQ(matching->key, 100u);
  EXPECT_TRUE(matching->key_matches);
  EXPECT_EQ(matching->path, a.path() + "/dotnet-diagnostic-4242-100-socket");
}

TEST(Discovery, TrailingSlashAndMissingDirectories) {
  TempDir dir;
  make_socket_file(dir.path() + "/dotnet-diagnostic-4242-5-socket", 1000);
  auto found = find_diagnostic_socket(kFakePid, {{"/nonexistent-clrprobe-dir", dir.path() + "//"}, 5, std::nullopt});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->path, dir.path() + "/dotnet-diagnostic-4242-5-socket");
}

}  // namespace
}  // namespace clrprobe::diagnostics
