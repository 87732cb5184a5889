#include "export/otlp_protobuf.h"

#include "export/protobuf_writer.h"

namespace clrprobe::exporter {
namespace {

// Field numbers (opentelemetry-proto, v1).
namespace field {
// ExportMetricsServiceRequest
constexpr uint32_t kResourceMetrics = 1;
// ResourceMetrics
constexpr uint32_t kResource = 1;
constexpr uint32_t kScopeMetrics = 2;
// Resource
constexpr uint32_t kResourceAttributes = 1;
// ScopeMetrics
constexpr uint32_t kScope = 1;
constexpr uint32_t kMetrics = 2;
// InstrumentationScope
constexpr uint32_t kScopeName = 1;
constexpr uint32_t kScopeVersion = 2;
// KeyValue, AnyValue
constexpr uint32_t kKey = 1;
constexpr uint32_t kValue = 2;
constexpr uint32_t kStringValue = 1;
constexpr uint32_t kIntValue = 3;
// Metric
constexpr uint32_t kName = 1;
constexpr uint32_t kDescription = 2;
constexpr uint32_t kUnit = 3;
constexpr uint32_t kGauge = 5;
constexpr uint32_t kSum = 7;
constexpr uint32_t kHistogram = 9;
constexpr uint32_t kExponentialHistogram = 10;
// Gauge, Sum, Histogram, ExponentialHistogram
constexpr uint32_t kDataPoints = 1;
constexpr uint32_t kAggregationTemporality = 2;
constexpr uint32_t kIsMonotonic = 3;  // Sum
// NumberDataPoint
constexpr uint32_t kNumberAttributes = 7;
constexpr uint32_t kStartTime = 2;  // every point kind
constexpr uint32_t kTime = 3;       // every point kind
constexpr uint32_t kAsInt = 6;      // sfixed64
// HistogramDataPoint
constexpr uint32_t kHistogramAttributes = 9;
constexpr uint32_t kCount = 4;     // fixed64, both histogram kinds
constexpr uint32_t kSumValue = 5;  // double, both histogram kinds
constexpr uint32_t kBucketCounts = 6;
constexpr uint32_t kExplicitBounds = 7;
constexpr uint32_t kHistogramMax = 12;
// ExponentialHistogramDataPoint
constexpr uint32_t kExponentialAttributes = 1;
constexpr uint32_t kScale = 6;
constexpr uint32_t kZeroCount = 7;
constexpr uint32_t kPositive = 8;
constexpr uint32_t kExponentialMax = 13;
// ExponentialHistogramDataPoint.Buckets
constexpr uint32_t kOffset = 1;
constexpr uint32_t kBucketCountsVarint = 2;
}  // namespace field

void write_attributes(ProtobufWriter& out, uint32_t number, const OtlpAttributes& attributes) {
  for (const OtlpAttribute& a : attributes) {
    ProtobufWriter value;
    if (std::holds_alternative<int64_t>(a.value)) {
      value.varint(field::kIntValue, static_cast<uint64_t>(std::get<int64_t>(a.value)));
    } else {
      value.bytes(field::kStringValue, std::get<std::string>(a.value));
    }
    ProtobufWriter kv;
    kv.bytes(field::kKey, a.key);
    kv.message(field::kValue, value);
    out.message(number, kv);
  }
}

void write_times(ProtobufWriter& out, uint64_t start, uint64_t time) {
  if (start != 0) out.fixed64(field::kStartTime, start);
  out.fixed64(field::kTime, time);
}

ProtobufWriter metric_message(const OtlpMetric& m) {
  ProtobufWriter data;  // the Gauge/Sum/Histogram/ExponentialHistogram message
  for (const OtlpNumberPoint& p : m.numbers) {
    ProtobufWriter point;
    write_attributes(point, field::kNumberAttributes, p.attributes);
    write_times(point, p.start_unix_ns, p.time_unix_nano);
    point.sfixed64(field::kAsInt, p.value);
    data.message(field::kDataPoints, point);
  }
  for (const OtlpHistogramPoint& p : m.histograms) {
    ProtobufWriter point;
    write_attributes(point, field::kHistogramAttributes, p.attributes);
    write_times(point, p.start_unix_ns, p.time_unix_nano);
    point.fixed64(field::kCount, p.latency.count);
    point.double_value(field::kSumValue, p.latency.sum_seconds);
    point.packed_fixed64(field::kBucketCounts, p.latency.counts);
    point.packed_double(field::kExplicitBounds, latency_bounds_seconds());
    if (p.latency.count != 0) point.double_value(field::kHistogramMax, p.latency.max_seconds);
    data.message(field::kDataPoints, point);
  }
  for (const OtlpExponentialPoint& p : m.exponentials) {
    const ExponentialLatency& e = p.latency;
    ProtobufWriter point;
    write_attributes(point, field::kExponentialAttributes, p.attributes);
    write_times(point, p.start_unix_ns, p.time_unix_nano);
    point.fixed64(field::kCount, e.count);
    point.double_value(field::kSumValue, e.sum_seconds);
    point.sint32(field::kScale, e.scale);
    point.fixed64(field::kZeroCount, e.zero_count);
    if (!e.counts.empty()) {
      ProtobufWriter positive;
      positive.sint32(field::kOffset, e.offset);
      positive.packed_varint(field::kBucketCountsVarint, e.counts);
      point.message(field::kPositive, positive);
    }
    if (e.count != 0) point.double_value(field::kExponentialMax, e.max_seconds);
    data.message(field::kDataPoints, point);
  }
  const auto temporality = static_cast<uint64_t>(aggregation_temporality(m.temporality));
  ProtobufWriter metric;
  metric.bytes(field::kName, m.name);
  metric.bytes(field::kDescription, m.description);
  metric.bytes(field::kUnit, m.unit);
  switch (m.kind) {
    case OtlpMetricKind::Sum:
      data.varint(field::kAggregationTemporality, temporality);
      data.varint(field::kIsMonotonic, 1);
      metric.message(field::kSum, data);
      break;
    case OtlpMetricKind::Gauge:
      metric.message(field::kGauge, data);
      break;
    case OtlpMetricKind::Histogram:
      data.varint(field::kAggregationTemporality, temporality);
      metric.message(field::kHistogram, data);
      break;
    case OtlpMetricKind::ExponentialHistogram:
      data.varint(field::kAggregationTemporality, temporality);
      metric.message(field::kExponentialHistogram, data);
      break;
  }
  return metric;
}

}  // namespace

std::string otlp_protobuf(const OtlpRequest& request) {
  ProtobufWriter out;
  for (const OtlpResourceMetrics& r : request.resources) {
    ProtobufWriter resource;
    write_attributes(resource, field::kResourceAttributes, r.resource);
    ProtobufWriter scope;
    scope.bytes(field::kScopeName, r.scope_name);
    scope.bytes(field::kScopeVersion, r.scope_version);
    ProtobufWriter scope_metrics;
    scope_metrics.message(field::kScope, scope);
    for (const OtlpMetric& m : r.metrics) scope_metrics.message(field::kMetrics, metric_message(m));
    ProtobufWriter resource_metrics;
    resource_metrics.message(field::kResource, resource);
    resource_metrics.message(field::kScopeMetrics, scope_metrics);
    out.message(field::kResourceMetrics, resource_metrics);
  }
  return out.release();
}

}  // namespace clrprobe::exporter
