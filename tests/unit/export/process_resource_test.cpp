// Who a process is, read from /proc (src/export/process_resource.h).
#include "export/process_resource.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace clrprobe::exporter {
namespace {

TEST(ProcessResource, TheEntryAssemblyOfDotnetIsTheFirstDllArgument) {
  EXPECT_EQ(entry_point_name({"dotnet", "App.dll"}, "dotnet"), "App");
  EXPECT_EQ(
      entry_point_name({"/usr/share/dotnet/dotnet", "exec", "--roll-forward", "Major", "/srv/Orders.Api.DLL", "x.dll"},
                       "dotnet"),
      "Orders.Api");
  EXPECT_EQ(entry_point_name({"/srv/app/OrderService", "--port", "80"}, "OrderService"), "OrderService");
  EXPECT_EQ(entry_point_name({"dotnet", "run"}, "dotnet"), "dotnet");
  EXPECT_EQ(entry_point_name({}, "App"), "App");
}

TEST(ProcessResource, ServiceNameIsTheTargetsOwnElseUnknownServiceWithItsEntry) {
  ProcessResource r = process_resource_from(std::string("A=1\0OTEL_SERVICE_NAME= orders \0", 31), true,
                                            {"dotnet", "App.dll"}, "/usr/lib/dotnet/dotnet", "dotnet");
  EXPECT_EQ(r.service_name(), "orders");
  EXPECT_EQ(r.executable_name, "dotnet");
  EXPECT_EQ(r.entry, "App");
  EXPECT_EQ(r.command_line, "dotnet App.dll");
  ProcessResource from_attributes =
      process_resource_from(std::string("OTEL_RESOURCE_ATTRIBUTES=service.name=billing,k=v\0", 50), true,
                            {"dotnet", "App.dll"}, "", "dotnet");
  EXPECT_EQ(from_attributes.service_name(), "billing");
  ProcessResource unreadable = process_resource_from("", false, {"dotnet", "App.dll"}, "", "dotnet");
  EXPECT_EQ(unreadable.service_name(), "unknown_service:App");
  EXPECT_EQ(ProcessResource{}.service_name(), "unknown_service");
}

TEST(ProcessResource, ResourceAttributesArePercentDecodedAndMalformedMembersSkipped) {
  const ResourceAttributes a = parse_resource_attributes("k1=v1, k2 = a%20b ,broken,=nokey,k1=again,k3=100%");
  const ResourceAttributes expected = {{"k1", "again"}, {"k2", "a b"}, {"k3", "100%"}};
  EXPECT_EQ(a, expected);
}

TEST(ProcessResource, ReadsTheServiceNameFromAChildsEnvironment) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    char* argv[] = {const_cast<char*>("sleep"), const_cast<char*>("30"), nullptr};
    char* envp[] = {const_cast<char*>("OTEL_SERVICE_NAME=child-service"),
                    const_cast<char*>("OTEL_RESOURCE_ATTRIBUTES=deployment.environment=test"), nullptr};
    ::execve("/bin/sleep", argv, envp);
    ::_exit(127);
  }
  // Wait until the child has exec'd (its environment is the new one).
  ProcessResource r;
  for (int i = 0; i < 500 && r.otel_service_name.empty(); ++i) {
    r = read_process_resource(child);
    if (r.otel_service_name.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_TRUE(r.environment_read);
  EXPECT_EQ(r.service_name(), "child-service");
  EXPECT_EQ(r.otel_attributes, (ResourceAttributes{{"deployment.environment", "test"}}));
  EXPECT_EQ(r.executable_name, "sleep");
  EXPECT_EQ(r.command_line, "sleep 30");
}

TEST(ProcessResource, BootIdIsReadable) { EXPECT_EQ(boot_id().size(), 36u); }

}  // namespace
}  // namespace clrprobe::exporter
