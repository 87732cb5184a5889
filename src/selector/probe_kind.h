// How a probe measures its methods (`--kind`, or a `kind=` suffix in the
// probes file and CLRPROBE_PROBES):
//   full     calls, exceptions and the latency of every call (the default)
//   count    calls only: one counting call at entry, no clock, no try;
//            exceptions and latency are not measured
//   sampled  calls and exceptions exactly, the latency of one call in N per
//            thread (`--sample N` / `sample=N`, default 64)
//
// A declared probe is "SELECTOR [kind=K] [sample=N] [ttl=D] [max_overhead=PCT]":
// the options are whitespace-separated words after the selector, in any
// order (ttl and max_overhead: selector/budget.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "selector/budget.h"
#include "selector/selector.h"

namespace clrprobe::selector {

enum class ProbeKind : uint8_t { Count = 0, Sampled = 1, Full = 2 };  // ordered poorest to richest

inline constexpr uint32_t kDefaultSample = 64;
inline constexpr uint32_t kMaxSample = 1'000'000;

const char* probe_kind_name(ProbeKind kind);
Result<ProbeKind> parse_probe_kind(std::string_view name);

struct KindSpec {
  ProbeKind kind = ProbeKind::Full;
  uint32_t sample = kDefaultSample;  // meaningful for Sampled only

  // "" for full, "kind=count", "kind=sampled sample=16".
  std::string suffix() const;
  bool operator==(const KindSpec&) const = default;
};

// From `--kind` / `--sample` (either may be absent). Refuses an unknown kind,
// N outside 1..kMaxSample, and a sample for a kind other than sampled.
Result<KindSpec> make_kind_spec(std::optional<std::string_view> kind, std::optional<int64_t> sample);

struct DeclaredProbe {
  Selector selector;
  KindSpec kind;
  bool kind_given = false;  // the text had kind=/sample= words
  Budget budget;            // ttl=/max_overhead= words

  // The selector's text plus the kind and budget suffixes (what identifies
  // the probe in a probes file: editing a line's kind or budget replaces the probe).
  std::string text() const;
};

// "SELECTOR [kind=K] [sample=N] [ttl=D] [max_overhead=PCT]".
Result<DeclaredProbe> parse_declared_probe(std::string_view text);

// ';'-separated declared probes (CLRPROBE_PROBES, `run --probe`): trims,
// skips empty entries; the first bad entry fails the list.
Result<std::vector<DeclaredProbe>> parse_declared_list(std::string_view text);

// The texts joined with ';' (the CLRPROBE_PROBES value).
std::string join_declared_texts(const std::vector<DeclaredProbe>& probes);

}  // namespace clrprobe::selector
