// OTLP settings from flags and the standard OTEL_* environment variables
// (src/export/otlp_settings.h).
#include "export/otlp_settings.h"

#include <map>

#include <gtest/gtest.h>

namespace clrprobe::exporter {
namespace {

using namespace std::chrono_literals;

// A fake environment.
Getenv env(std::map<std::string, std::string> variables) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(variables));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

TEST(OtlpSettings, DefaultsAreProtobufUncompressedCumulativeExponentialAndNoEndpoint) {
  auto s = resolve_otlp_settings({}, env({}));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->url, "");
  EXPECT_EQ(s->protocol, OtlpProtocol::HttpProtobuf);
  EXPECT_EQ(s->compression, OtlpCompression::None);
  EXPECT_TRUE(s->headers.empty());
  EXPECT_EQ(s->timeout, 10s);
  EXPECT_EQ(s->interval, 15s);
  EXPECT_EQ(s->temporality, Temporality::Cumulative);
  EXPECT_EQ(s->histogram, HistogramKind::Exponential);
}

TEST(OtlpSettings, TheGenericEndpointGetsTheMetricsPathTheSignalSpecificOneIsUsedAsIs) {
  auto generic = resolve_otlp_settings({}, env({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"}}));
  ASSERT_TRUE(generic.ok());
  EXPECT_EQ(generic->url, "http://collector:4318/v1/metrics");
  EXPECT_TRUE(generic->url_from_environment);
  auto prefixed = resolve_otlp_settings({}, env({{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://gw.example/otlp"}}));
  EXPECT_EQ(prefixed->url, "https://gw.example/otlp/v1/metrics");
  auto specific = resolve_otlp_settings({}, env({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:4318"},
                                                 {"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://b:9999/custom"}}));
  EXPECT_EQ(specific->url, "http://b:9999/custom");
  OtlpFlags flags;
  flags.endpoint = "http://flag:4318/v1/metrics";
  auto flag = resolve_otlp_settings(flags, env({{"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://b:9999/custom"}}));
  EXPECT_EQ(flag->url, "http://flag:4318/v1/metrics");
  EXPECT_FALSE(flag->url_from_environment);
}

TEST(OtlpSettings, ReadsProtocolCompressionTimeoutIntervalAndTemporalityFromTheEnvironment) {
  auto s = resolve_otlp_settings(
      {}, env({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
               {"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"},
               {"OTEL_EXPORTER_OTLP_TIMEOUT", "2500"},
               {"OTEL_METRIC_EXPORT_INTERVAL", "60000"},
               {"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "Delta"},
               {"OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", "explicit_bucket_histogram"}}));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->protocol, OtlpProtocol::HttpJson);
  EXPECT_EQ(s->compression, OtlpCompression::Gzip);
  EXPECT_EQ(s->timeout, 2500ms);
  EXPECT_EQ(s->interval, 60s);
  EXPECT_EQ(s->temporality, Temporality::Delta);
  EXPECT_EQ(s->histogram, HistogramKind::Explicit);
  auto low = resolve_otlp_settings({}, env({{"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "lowmemory"}}));
  EXPECT_EQ(low->temporality, Temporality::Delta);
}

TEST(OtlpSettings, MetricsSpecificVariablesWinOverGenericOnesAndFlagsOverBoth) {
  auto s = resolve_otlp_settings({}, env({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
                                          {"OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/protobuf"},
                                          {"OTEL_EXPORTER_OTLP_TIMEOUT", "1000"},
                                          {"OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "3000"}}));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->protocol, OtlpProtocol::HttpProtobuf);
  EXPECT_EQ(s->timeout, 3s);
  OtlpFlags flags;
  flags.protocol = "http/json";
  flags.compression = "none";
  flags.timeout_seconds = 0.5;
  flags.interval_seconds = 2;
  flags.temporality = "cumulative";
  flags.histogram = "explicit";
  auto f = resolve_otlp_settings(flags, env({{"OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/protobuf"},
                                             {"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"},
                                             {"OTEL_EXPORTER_OTLP_TIMEOUT", "9000"},
                                             {"OTEL_METRIC_EXPORT_INTERVAL", "60000"},
                                             {"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta"}}));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->protocol, OtlpProtocol::HttpJson);
  EXPECT_EQ(f->compression, OtlpCompression::None);
  EXPECT_EQ(f->timeout, 500ms);
  EXPECT_EQ(f->interval, 2s);
  EXPECT_EQ(f->temporality, Temporality::Cumulative);
  EXPECT_EQ(f->histogram, HistogramKind::Explicit);
}

TEST(OtlpSettings, HeadersFromTheEnvironmentAreDecodedAndFlagsReplaceTheSameName) {
  OtlpFlags flags;
  flags.headers = {"X-Team=payments", "api-key=from-flag"};
  auto s = resolve_otlp_settings(
      flags, env({{"OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Basic%20dXNlcjpwdw==, Api-Key = from-env"}}));
  ASSERT_TRUE(s.ok()) << s.error().message;
  const OtlpHeaders expected = {
      {"Authorization", "Basic dXNlcjpwdw=="}, {"api-key", "from-flag"}, {"X-Team", "payments"}};
  EXPECT_EQ(s->headers, expected);
  auto specific = resolve_otlp_settings(
      {}, env({{"OTEL_EXPORTER_OTLP_HEADERS", "a=1"}, {"OTEL_EXPORTER_OTLP_METRICS_HEADERS", "b=2"}}));
  EXPECT_EQ(specific->headers, (OtlpHeaders{{"b", "2"}}));
}

TEST(OtlpSettings, MalformedValuesAreRefusedNamingTheirSource) {
  struct Case {
    OtlpFlags flags;
    std::map<std::string, std::string> env;
    std::string named;
  };
  OtlpFlags bad_header;
  bad_header.headers = {"no-equals-sign"};
  OtlpFlags bad_url;
  bad_url.endpoint = "collector:4318";
  OtlpFlags bad_histogram;
  bad_histogram.histogram = "fancy";
  const Case cases[] = {
      {{}, {{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}}, "OTEL_EXPORTER_OTLP_PROTOCOL 'grpc': gRPC is not supported"},
      {{}, {{"OTEL_EXPORTER_OTLP_COMPRESSION", "zstd"}}, "OTEL_EXPORTER_OTLP_COMPRESSION 'zstd'"},
      {{}, {{"OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "10s"}}, "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT '10s'"},
      {{}, {{"OTEL_METRIC_EXPORT_INTERVAL", "5"}}, "OTEL_METRIC_EXPORT_INTERVAL '5'"},
      {{}, {{"OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"}}, "OTEL_EXPORTER_OTLP_ENDPOINT"},
      {{}, {{"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "sometimes"}}, "TEMPORALITY_PREFERENCE 'sometimes'"},
      {{}, {{"OTEL_EXPORTER_OTLP_HEADERS", "a b=1"}}, "OTEL_EXPORTER_OTLP_HEADERS"},
      {bad_header, {}, "--otlp-header 'no-equals-sign'"},
      {bad_url, {}, "--otlp needs an http:// or https:// URL"},
      {bad_histogram, {}, "--otlp-histogram 'fancy'"},
  };
  for (const Case& c : cases) {
    auto s = resolve_otlp_settings(c.flags, env(c.env));
    ASSERT_FALSE(s.ok()) << c.named;
    EXPECT_EQ(s.error().reason, Reason::InvalidInput);
    EXPECT_NE(s.error().message.find(c.named), std::string::npos) << s.error().message;
  }
}

}  // namespace
}  // namespace clrprobe::exporter
