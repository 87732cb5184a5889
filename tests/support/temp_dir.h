// The tests' one temporary directory: private (mkdtemp, 0700), removed with
// its content when the object goes. Header-only so every test target can use
// it (tests/CMakeLists.txt puts tests/ on the include path).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace clrprobe::test_support {

class TempDir {
 public:
  // Where: under $TMPDIR (else /tmp); `Short`: always /tmp, for directories
  // that hold Unix sockets (a socket path must fit in 108 bytes).
  enum class Base { TmpDirEnv, Short };

  explicit TempDir(std::string_view prefix = "clrprobe-test", Base base = Base::TmpDirEnv) {
    const char* env = base == Base::TmpDirEnv ? std::getenv("TMPDIR") : nullptr;
    make(std::string(env != nullptr && *env != '\0' ? env : "/tmp") + "/" + std::string(prefix) + "-XXXXXX");
  }
  // Under `parent` (e.g. where the agent keeps its runtime files by default).
  TempDir(std::string_view prefix, const std::string& parent) { make(parent + "/" + std::string(prefix) + "-XXXXXX"); }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    // A test may have taken permissions away (read-only directories): give them back first.
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Empty when it could not be made (the test has failed already).
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `text` to path()/name, replacing it.
  void write(const std::string& name, const std::string& text) const {
    std::ofstream out(file(name), std::ios::binary | std::ios::trunc);
    out << text;
    EXPECT_TRUE(out.good()) << "cannot write " << file(name);
  }

 private:
  void make(std::string tmpl) {
    if (::mkdtemp(tmpl.data()) != nullptr) {
      path_ = tmpl;
    } else {
      ADD_FAILURE() << "mkdtemp " << tmpl << ": " << std::strerror(errno);
    }
  }

  std::string path_;
};

}  // namespace clrprobe::test_support
