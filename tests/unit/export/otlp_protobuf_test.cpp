// The protobuf writer and the OTLP protobuf request, decoded by a real
// protobuf implementation: protoc --decode against otlp/otlp_metrics.proto
// (written from the OTLP specification's field numbers).
#include "export/otlp_protobuf.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "export/protobuf_reader.h"
#include "export/protobuf_writer.h"
#include "export_test_support.h"

namespace clrprobe::exporter {
namespace {

TEST(ProtobufWriter, WritesVarintsZigZagFixedAndLengthDelimitedFields) {
  ProtobufWriter w;
  w.varint(1, 300);  // 08 ac 02
  w.sint32(2, -3);   // 10 05
  w.fixed64(3, 0x0102030405060708ull);
  w.bytes(4, "hi");
  const uint64_t packed[] = {1, 300};
  w.packed_varint(5, packed);  // 2a 03 01 ac 02
  const std::string expected("\x08\xac\x02\x10\x05\x19\x08\x07\x06\x05\x04\x03\x02\x01\x22\x02hi\x2a\x03\x01\xac\x02",
                             23);
  EXPECT_EQ(w.data(), expected);
  EXPECT_EQ(zigzag32(0), 0u);
  EXPECT_EQ(zigzag32(-1), 1u);
  EXPECT_EQ(zigzag32(1), 2u);
  EXPECT_EQ(zigzag32(INT32_MIN), UINT32_MAX);
}

TEST(ProtobufReader, ReadsWhatTheWriterWroteAndRefusesTruncatedInput) {
  ProtobufWriter nested;
  nested.varint(1, 7);
  ProtobufWriter w;
  w.message(1, nested);
  w.double_value(2, 0.5);
  auto fields = read_protobuf_fields(w.data());
  ASSERT_TRUE(fields.has_value());
  ASSERT_EQ(fields->size(), 2u);
  EXPECT_EQ((*fields)[0].number, 1u);
  EXPECT_EQ((*fields)[0].wire_type, 2u);
  EXPECT_EQ((*fields)[0].bytes, nested.data());
  EXPECT_EQ((*fields)[1].value, 0x3fe0000000000000ull);
  EXPECT_FALSE(read_protobuf_fields(w.data().substr(0, w.data().size() - 1)).has_value());
}

HostSnapshot protobuf_snapshot() {
  HostSnapshot s;
  s.time_unix_ns = 1'700'000'000'123'456'789ull;
  ProcessSnapshot p;
  p.key = {4242, 777};
  p.alive = true;
  p.resource.otel_service_name = "orders";
  p.resource.executable_name = "dotnet";
  ProbeSnapshot probe;
  probe.id = 3;
  probe.selector = "MyApp.*::Get*";
  MethodFigures m;
  m.method = "MyApp.Store::Get(int32)";
  m.calls = 9'007'199'254'740'993ull;
  m.exceptions = 2;
  m.cancelled = 1;
  m.in_flight = 4;
  m.ticks.record(0);             // a call of 0 ticks: the zero bucket
  m.ticks.record(1000, 3);       // 1 us
  m.ticks.record(2'000'000, 6);  // 2 ms
  m.max_ticks = 2'000'000;
  m.latency = collapse_latency(m.ticks, m.max_ticks, 1.0);
  m.start_unix_ns = 1'699'999'500'000'000'000ull;
  probe.methods.push_back(m);
  p.probes.push_back(probe);
  s.processes.push_back(p);
  return s;
}

OtlpContent content(HistogramKind histogram, Temporality temporality = Temporality::Cumulative) {
  OtlpContent c;
  c.version = "1.2.3";
  c.host_name = "host-a";
  c.histogram = histogram;
  c.temporality = temporality;
  return c;
}

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(OtlpProtobuf, ProtocDecodesEveryFieldOfARequest) {
  std::string text;
  ASSERT_TRUE(testing::protoc_decode(
      otlp_protobuf(otlp_request(protobuf_snapshot(), content(HistogramKind::Exponential))), text));
  EXPECT_TRUE(has(text, "key: \"service.name\"\n      value {\n        string_value: \"orders\"")) << text;
  EXPECT_TRUE(has(text, "key: \"process.pid\"\n      value {\n        int_value: 4242")) << text;
  EXPECT_TRUE(has(text, "key: \"host.name\"")) << text;
  EXPECT_TRUE(has(text, "name: \"clrprobe\"\n      version: \"1.2.3\"")) << text;
  EXPECT_TRUE(has(text, "name: \"clrprobe.calls\"")) << text;
  EXPECT_TRUE(has(text, "as_int: 9007199254740993")) << text;
  EXPECT_TRUE(has(text, "as_int: 4")) << text;  // in_flight
  EXPECT_TRUE(has(text, "start_time_unix_nano: 1699999500000000000")) << text;
  EXPECT_TRUE(has(text, "time_unix_nano: 1700000000123456789")) << text;
  EXPECT_TRUE(has(text, "aggregation_temporality: AGGREGATION_TEMPORALITY_CUMULATIVE")) << text;
  EXPECT_TRUE(has(text, "is_monotonic: true")) << text;
  EXPECT_TRUE(has(text, "string_value: \"MyApp.Store::Get(int32)\"")) << text;
  EXPECT_TRUE(has(text, "gauge {")) << text;
  // The exponential histogram: 10 calls, one of them 0, scale 3, max 2 ms.
  EXPECT_TRUE(has(text, "exponential_histogram {")) << text;
  EXPECT_TRUE(has(text, "count: 10")) << text;
  EXPECT_TRUE(has(text, "scale: 3")) << text;
  EXPECT_TRUE(has(text, "zero_count: 1")) << text;
  EXPECT_TRUE(has(text, "max: 0.002")) << text;
  const ExponentialLatency e =
      exponential_latency(protobuf_snapshot().processes[0].probes[0].methods[0].ticks, 2'000'000, 1.0);
  EXPECT_TRUE(has(text, "offset: " + std::to_string(e.offset))) << text;
  EXPECT_FALSE(has(text, "explicit_bounds")) << text;
}

TEST(OtlpProtobuf, ExplicitBucketsAndDeltaTemporalityDecode) {
  std::string text;
  ASSERT_TRUE(testing::protoc_decode(
      otlp_protobuf(otlp_request(protobuf_snapshot(), content(HistogramKind::Explicit, Temporality::Delta))), text));
  EXPECT_TRUE(has(text, "histogram {")) << text;
  EXPECT_FALSE(has(text, "exponential_histogram")) << text;
  EXPECT_TRUE(has(text, "aggregation_temporality: AGGREGATION_TEMPORALITY_DELTA")) << text;
  EXPECT_TRUE(has(text, "explicit_bounds: 1e-07")) << text;
  // One bucket count per bound plus +Inf.
  const std::size_t bounds = latency_bounds_seconds().size();
  std::size_t counts = 0;
  for (std::size_t at = text.find("bucket_counts:"); at != std::string::npos;
       at = text.find("bucket_counts:", at + 1)) {
    ++counts;
  }
  EXPECT_EQ(counts, bounds + 1);
}

TEST(OtlpProtobuf, AnEmptySnapshotIsAnEmptyRequest) {
  EXPECT_EQ(otlp_protobuf(otlp_request(HostSnapshot{}, content(HistogramKind::Exponential))), "");
}

}  // namespace
}  // namespace clrprobe::exporter
