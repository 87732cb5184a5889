#include "selector/probe_kind.h"

#include <charconv>

namespace clrprobe::selector {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

Result<uint32_t> parse_sample(std::string_view text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return make_error(Reason::InvalidInput, "sample must be a whole number, not '" + std::string(text) + "'");
  }
  if (n < 1 || n > kMaxSample) {
    return make_error(Reason::InvalidInput,
                      "sample must be between 1 and " + std::to_string(kMaxSample) + ", not " + std::string(text));
  }
  return static_cast<uint32_t>(n);
}

}  // namespace

const char* probe_kind_name(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::Count:
      return "count";
    case ProbeKind::Sampled:
      return "sampled";
    case ProbeKind::Full:
      break;
  }
  return "full";
}

Result<ProbeKind> parse_probe_kind(std::string_view name) {
  if (name == "full") return ProbeKind::Full;
  if (name == "count") return ProbeKind::Count;
  if (name == "sampled") return ProbeKind::Sampled;
  return make_error(Reason::InvalidInput,
                    "unknown probe kind '" + std::string(name) + "' (expected count, sampled or full)");
}

std::string KindSpec::suffix() const {
  if (kind == ProbeKind::Full) return "";
  if (kind == ProbeKind::Count) return "kind=count";
  return "kind=sampled sample=" + std::to_string(sample);
}

Result<KindSpec> make_kind_spec(std::optional<std::string_view> kind, std::optional<int64_t> sample) {
  KindSpec spec;
  if (kind) {
    auto parsed = parse_probe_kind(*kind);
    if (!parsed) return parsed.error();
    spec.kind = *parsed;
  }
  if (sample) {
    if (spec.kind != ProbeKind::Sampled) {
      return make_error(Reason::InvalidInput, "a sample rate needs kind sampled");
    }
    auto n = parse_sample(std::to_string(*sample));
    if (!n) return n.error();
    spec.sample = *n;
  }
  return spec;
}

std::string DeclaredProbe::text() const {
  std::string out = selector.text();
  for (const std::string& suffix : {kind.suffix(), budget.suffix()}) {
    if (!suffix.empty()) out += " " + suffix;
  }
  return out;
}

Result<DeclaredProbe> parse_declared_probe(std::string_view text) {
  std::string_view rest = trim(text);
  std::optional<std::string_view> kind;
  std::optional<std::string_view> sample;
  std::optional<std::string_view> ttl;
  std::optional<std::string_view> overhead;
  // Options are the trailing words: peel them off from the right, so a
  // selector with spaces of its own (a regex) keeps them.
  for (;;) {
    const size_t space = rest.find_last_of(" \t");
    if (space == std::string_view::npos) break;
    const std::string_view word = rest.substr(space + 1);
    std::optional<std::string_view>* target = nullptr;
    std::string_view value;
    if (word.starts_with("kind=")) {
      target = &kind;
      value = word.substr(5);
    } else if (word.starts_with("sample=")) {
      target = &sample;
      value = word.substr(7);
    } else if (word.starts_with("ttl=")) {
      target = &ttl;
      value = word.substr(4);
    } else if (word.starts_with("max_overhead=")) {
      target = &overhead;
      value = word.substr(13);
    } else {
      break;
    }
    if (target->has_value()) {
      return make_error(Reason::InvalidInput,
                        "'" + std::string(word.substr(0, word.find('=') + 1)) + "' is given twice");
    }
    *target = value;
    rest = trim(rest.substr(0, space));
  }
  const bool given = kind.has_value() || sample.has_value();
  std::optional<int64_t> n;
  if (sample) {
    auto parsed = parse_sample(*sample);
    if (!parsed) return parsed.error();
    n = *parsed;
  }
  auto spec = make_kind_spec(kind, n);
  if (!spec) return spec.error();
  Budget budget;
  if (ttl) {
    auto ms = parse_ttl_ms(*ttl);
    if (!ms) return ms.error();
    budget.ttl_ms = *ms;
  }
  if (overhead) {
    auto pct = parse_overhead_pct(*overhead);
    if (!pct) return pct.error();
    budget.max_overhead_pct = *pct;
  }
  auto selector = Selector::parse(rest);
  if (!selector) return selector.error();
  return DeclaredProbe{std::move(*selector), *spec, given, budget};
}

Result<std::vector<DeclaredProbe>> parse_declared_list(std::string_view text) {
  std::vector<std::string_view> entries;
  while (true) {
    const size_t semi = text.find(';');
    std::string_view entry = trim(text.substr(0, semi));
    if (!entry.empty()) entries.push_back(entry);
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  std::vector<DeclaredProbe> probes;
  for (size_t i = 0; i < entries.size(); ++i) {
    auto parsed = parse_declared_probe(entries[i]);
    if (!parsed) {
      if (entries.size() == 1) return parsed.error();
      return make_error(parsed.error().reason, "selector " + std::to_string(i + 1) + " of " +
                                                   std::to_string(entries.size()) + ": " + parsed.error().message);
    }
    probes.push_back(std::move(*parsed));
  }
  return probes;
}

std::string join_declared_texts(const std::vector<DeclaredProbe>& probes) {
  std::string out;
  for (const auto& p : probes) out += (out.empty() ? "" : ";") + p.text();
  return out;
}

}  // namespace clrprobe::selector
