// Capture plans from declared types: what is read for each kind of
// parameter, and why some are not.
#include <gtest/gtest.h>

#include <vector>

#include "watch/capture_plan.h"

namespace clrprobe::watch {
namespace {

il::TypeSig type_of(const std::vector<uint8_t>& blob) {
  size_t pos = 0;
  auto t = il::parse_type(blob, &pos);
  EXPECT_TRUE(t.ok());
  return t.ok() ? *t : il::TypeSig{};
}

TypeFacts facts(uint32_t token) {
  switch (token) {
    case 0x02000002:
      return TypeFacts{"MyApp.Color", true, 0x08, {{0, "Red"}, {2, "Blue"}}};
    case 0x01000003:
      return TypeFacts{"System.DateTime", false, 0, {}};
    case 0x01000004:
      return TypeFacts{"System.Guid", false, 0, {}};
    case 0x01000005:
      return TypeFacts{"System.TimeSpan", false, 0, {}};
    case 0x02000006:
      return TypeFacts{"MyApp.Point", false, 0, {}};
    case 0x02000007:
      return TypeFacts{"MyApp.Order", false, 0, {}};
    default:
      return TypeFacts{};
  }
}

CapturePlan plan(const std::vector<uint8_t>& blob) { return plan_capture(type_of(blob), facts); }

TEST(CapturePlan, PrimitivesAndStringsAreReadByTheirElementType) {
  EXPECT_EQ(plan({0x08}).kind, CaptureKind::I4);
  EXPECT_EQ(plan({0x08}).type, "System.Int32");
  EXPECT_EQ(plan({0x02}).kind, CaptureKind::Bool);
  EXPECT_EQ(plan({0x03}).kind, CaptureKind::Char);
  EXPECT_EQ(plan({0x0D}).kind, CaptureKind::R8);
  EXPECT_EQ(plan({0x0B}).kind, CaptureKind::U8);
  EXPECT_EQ(plan({0x0E}).kind, CaptureKind::String);
}

TEST(CapturePlan, EnumsCarryTheirUnderlyingTypeAndMembers) {
  const CapturePlan p = plan({0x11, 0x08});  // valuetype TypeDef 2
  EXPECT_EQ(p.kind, CaptureKind::Enum);
  EXPECT_EQ(p.underlying, CaptureKind::I4);
  EXPECT_EQ(p.type, "MyApp.Color");
  ASSERT_EQ(p.members.size(), 2u);
  EXPECT_EQ(p.members[1].second, "Blue");
}

TEST(CapturePlan, DateTimeTimeSpanAndGuidAreRecognisedByName) {
  EXPECT_EQ(plan({0x11, 0x0D}).kind, CaptureKind::DateTime);  // TypeRef 3
  EXPECT_EQ(plan({0x11, 0x11}).kind, CaptureKind::Guid);      // TypeRef 4
  EXPECT_EQ(plan({0x11, 0x15}).kind, CaptureKind::TimeSpan);  // TypeRef 5
}

TEST(CapturePlan, OtherTypesGiveTheirTypeOrRuntimeType) {
  EXPECT_EQ(plan({0x11, 0x18}).kind, CaptureKind::TypeOnly);  // struct MyApp.Point
  EXPECT_EQ(plan({0x11, 0x18}).type, "MyApp.Point");
  EXPECT_EQ(plan({0x12, 0x1C}).kind, CaptureKind::Reference);  // class MyApp.Order
  EXPECT_EQ(plan({0x1C}).kind, CaptureKind::Reference);        // object
  EXPECT_EQ(plan({0x1D, 0x08}).kind, CaptureKind::Reference);  // int32[]
}

TEST(CapturePlan, RefAndOutParametersPlanForTheirElement) {
  const CapturePlan p = plan({0x10, 0x08});  // int32&
  EXPECT_EQ(p.kind, CaptureKind::I4);
  EXPECT_EQ(plan({0x10, 0x0E}).kind, CaptureKind::String);
}

TEST(CapturePlan, GenericParametersAndTypedrefAreNotCapturedWithAReason) {
  const CapturePlan g = plan({0x1E, 0x00});  // !!0
  EXPECT_EQ(g.kind, CaptureKind::NotCaptured);
  EXPECT_NE(g.reason.find("generic parameter"), std::string::npos);
  EXPECT_EQ(plan({0x16}).kind, CaptureKind::NotCaptured);
}

}  // namespace
}  // namespace clrprobe::watch
