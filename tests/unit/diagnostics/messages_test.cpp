// HRESULT translation and the attach client-data format.
#include <gtest/gtest.h>

#include <string>

#include "common/attach_client_data.h"
#include "diagnostics/hresult.h"

namespace clrprobe::diagnostics {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Hresult, Formats) {
  EXPECT_EQ(format_hresult(0x8013136A), "0x8013136A (CORPROF_E_PROFILER_ALREADY_ACTIVE)");
  EXPECT_EQ(format_hresult(0x12345678), "0x12345678");
  EXPECT_EQ(hresult_name(0x80131368), "CORPROF_E_PROFILER_NOT_ATTACHABLE");
  EXPECT_EQ(hresult_name(0x80131371), "CORPROF_E_RUNTIME_UNINITIALIZED");
  EXPECT_EQ(hresult_name(0x80131385), "CORDIAGIPC_E_UNKNOWN_COMMAND");
  EXPECT_EQ(hresult_name(0x80070057), "E_INVALIDARG");
}

TEST(Hresult, AttachFailuresSayWhatHappened) {
  const std::string agent = "/opt/lib/libclrprobe.so";
  Error already = describe_attach_failure(hresult::kProfilerAlreadyActive, 12, agent);
  EXPECT_EQ(already.reason, Reason::Unsupported);
  EXPECT_TRUE(contains(already.message, "a profiler is already loaded in process 12 (clrprobe or another one); "
                                        "only one profiler per process"));

  Error too_old = describe_attach_failure(hresult::kDiagUnknownCommand, 12, agent);
  EXPECT_EQ(too_old.reason, Reason::Unsupported);
  EXPECT_TRUE(contains(too_old.message, "the runtime of process 12 does not support profiler attach"));

  Error not_attachable = describe_attach_failure(hresult::kProfilerNotAttachable, 12, agent);
  EXPECT_TRUE(contains(not_attachable.message, "not attachable"));
  EXPECT_TRUE(contains(not_attachable.message, "CORPROF_E_PROFILER_NOT_ATTACHABLE"));

  Error starting = describe_attach_failure(hresult::kRuntimeUninitialized, 12, agent);
  EXPECT_TRUE(contains(starting.message, "starting up"));

  Error timeout = describe_attach_failure(hresult::kTimeoutWaitingForConcurrentGc, 12, agent);
  EXPECT_TRUE(contains(timeout.message, "timed out"));

  Error invalid = describe_attach_failure(hresult::kInvalidArg, 12, agent);
  EXPECT_EQ(invalid.reason, Reason::InvalidInput);
  EXPECT_TRUE(contains(invalid.message, "E_INVALIDARG"));

  for (uint32_t hr : {hresult::kFileNotFound, hresult::kPathNotFound, hresult::kModNotFound}) {
    Error missing = describe_attach_failure(hr, 12, agent);
    EXPECT_EQ(missing.reason, Reason::NotFound);
    EXPECT_TRUE(contains(missing.message, "could not load the agent " + agent));
  }

  Error unknown = describe_attach_failure(0x8000FFFF, 12, agent);
  EXPECT_TRUE(contains(unknown.message, "0x8000FFFF"));
  EXPECT_TRUE(contains(unknown.message, "process 12"));
}

TEST(ClientData, EncodesKeyValueLines) {
  EXPECT_EQ(encode_attach_client_data({}), "");
  EXPECT_EQ(encode_attach_client_data({"/var/log/a.log", "/tmp/clrprobe-1000"}),
            "log=/var/log/a.log\nruntime_dir=/tmp/clrprobe-1000\n");
  EXPECT_EQ(encode_attach_client_data({"", "/r"}), "runtime_dir=/r\n");
  EXPECT_EQ(encode_attach_client_data({"/bad\npath", "/r"}), "runtime_dir=/r\n");  // unrepresentable: left out
}

TEST(ClientData, RoundTrips) {
  AttachClientData in{"/l o g/=x.log", "/run dir"};
  std::string text = encode_attach_client_data(in);
  AttachClientData out = parse_attach_client_data(text.data(), text.size());
  EXPECT_EQ(out.log_path, in.log_path);  // '=' inside a value is kept: only the first splits
  EXPECT_EQ(out.runtime_dir, in.runtime_dir);
}

TEST(ClientData, ParsesLeniently) {
  using namespace std::string_literals;
  std::string text = "future=1\n\nno equals sign\r\nlog=/a\r\nlog=/b\nruntime_dir=/r"s;  // last line unterminated
  AttachClientData d = parse_attach_client_data(text.data(), text.size());
  EXPECT_EQ(d.log_path, "/b");
  EXPECT_EQ(d.runtime_dir, "/r");

  std::string with_nul = "log=/a\n\0runtime_dir=/hidden\n"s;
  d = parse_attach_client_data(with_nul.data(), with_nul.size());
  EXPECT_EQ(d.log_path, "/a");
  EXPECT_EQ(d.runtime_dir, "");

  d = parse_attach_client_data(nullptr, 0);
  EXPECT_EQ(d.log_path, "");
  d = parse_attach_client_data(nullptr, 10);  // inconsistent input: nothing, no crash
  EXPECT_EQ(d.runtime_dir, "");
}

}  // namespace
}  // namespace clrprobe::diagnostics
