#include "agent/probe_service.h"

#include "common/build_info.h"
#include "common/fnv1a.h"
#include "common/wall_clock.h"
#include "control/frame.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "agent/catalog.h"
#include "agent/log.h"
#include "agent/probe_json.h"
#include "stats/stats_reader.h"
#include "stats/stats_region.h"

namespace clrprobe::agent {

namespace {

// A live add waits for its rejit request; the runtime normally answers in
// milliseconds, this only bounds a pathological case.
constexpr std::chrono::seconds kControlWait{30};
// How long a control `add` waits for its ReJIT request before it publishes the
// probe as pending: the request normally takes well under a millisecond for
// one method, tens for a thousand, and a file written meanwhile (a rename,
// up to milliseconds on ext4) only delays the reply.
constexpr std::chrono::milliseconds kQuietRejitWait{10};

struct Resolution {
  std::vector<std::pair<std::shared_ptr<ModuleInfo>, CatalogMatch>> instrumentable;
  std::vector<CatalogMatch> refused;
  bool assembly_loaded = false;
};

Resolution resolve(const ModuleTable& modules, const selector::Selector& sel) {
  Resolution result;
  std::vector<std::pair<uint32_t, selector::Selector>> one{{0, sel}};
  for (const auto& module : modules.all()) {
    if (!sel.matches_assembly(module->assembly_name)) continue;
    result.assembly_loaded = true;
    for (auto& match : find_matches(*module, one)) {
      if (match.refusal) {
        result.refused.push_back(std::move(match));
      } else {
        result.instrumentable.emplace_back(module, std::move(match));
      }
    }
  }
  return result;
}

}  // namespace

ProbeService::ProbeService(ModuleTable& modules, ProbeRegistry& registry, RejitController& controller,
                           stats::StatsRegion& region, std::string probes_file, unsigned module_wait_ms)
    : modules_(modules),
      registry_(registry),
      controller_(controller),
      region_(region),
      probes_file_(std::move(probes_file)),
      module_wait_ms_(module_wait_ms) {}

uint32_t ProbeService::add_declared(selector::Selector selector, ProbeSource source, selector::KindSpec kind,
                                    bool publish, selector::Budget budget) {
  std::lock_guard lock(operations_mutex_);
  Resolution found = resolve(modules_, selector);
  std::string text = selector.text();
  if (!budget.empty() && on_budgeted_) on_budgeted_();
  uint32_t id = registry_.add_probe(std::move(selector), ProbeState::Pending, source, kind, budget);
  for (const auto& match : found.refused) {
    registry_.refuse(id, RefusedMethod{match.display_name, match.refusal->describe()});
  }
  instrument(id, std::move(found.instrumentable), kControlWait);
  CLRPROBE_LOG_INFO("{} probe {}: {}", probe_source_name(source), id, text);
  if (publish) write_probes_file();
  return id;
}

void ProbeService::instrument(uint32_t id, std::vector<std::pair<std::shared_ptr<ModuleInfo>, CatalogMatch>> matches,
                              std::chrono::milliseconds wait, Publish publish) {
  std::vector<MethodKey> to_instrument;
  for (const auto& [module, match] : matches) {
    MethodKey key{module->id, match.token};
    if (registry_.attach(id, key, match.display_name, module->assembly_name, match.measure)) {
      to_instrument.push_back(key);
    }
  }
  // Without a ReJIT to wait for, the caller publishes (each write renames a file:
  // milliseconds on ext4).
  if (to_instrument.empty()) {
    registry_.activate(id);
    return;
  }
  // Requested first: the runtime can take the new code at the next call while the
  // probes file is written here.
  auto done = controller_.request_rejit(std::move(to_instrument));
  // Published before the ReJIT wait: once `list` shows the probe, `stats` (which reads the
  // probes file beside the stats region) must know it too, however long the ReJIT takes.
  bool requested = publish == Publish::IfSlow && done->wait_for(std::min(wait, kQuietRejitWait));
  if (!requested) {
    write_probes_file();
    requested = done->wait_for(wait);
  }
  if (!requested) CLRPROBE_LOG_WARN("probe {}: ReJIT request still pending", id);
  registry_.activate(id);
}

void ProbeService::reinstrument(std::vector<MethodKey> keys) {
  if (keys.empty()) return;
  std::lock_guard lock(operations_mutex_);
  const size_t count = keys.size();
  auto done = controller_.request_rejit(std::move(keys));
  if (!done->wait_for(kControlWait)) CLRPROBE_LOG_WARN("ReJIT of {} re-instrumented methods still pending", count);
}

void ProbeService::set_probes_file_status(std::string path, std::string error) {
  {
    std::lock_guard lock(file_mutex_);
    watched_file_ = std::move(path);
    watched_file_error_ = std::move(error);
  }
  write_probes_file();
}

void ProbeService::on_module_loaded(const std::shared_ptr<ModuleInfo>& module) {
  auto selectors = registry_.active_selectors();
  if (selectors.empty()) return;
  std::vector<MethodKey> to_instrument;
  std::vector<uint32_t> matched_probes;
  bool changed = false;
  for (auto& match : find_matches(*module, selectors)) {
    changed = true;
    if (match.refusal) {
      CLRPROBE_LOG_INFO("probe {}: {} refused: {}", match.probe_id, match.display_name, match.refusal->describe());
      registry_.refuse(match.probe_id, RefusedMethod{match.display_name, match.refusal->describe()});
      continue;
    }
    MethodKey key{module->id, match.token};
    matched_probes.push_back(match.probe_id);
    if (registry_.attach(match.probe_id, key, match.display_name, module->assembly_name, match.measure)) {
      to_instrument.push_back(key);
    }
  }
  if (!to_instrument.empty() && first_jit_ != nullptr && FirstJitInstaller::eligible(*module)) {
    to_instrument = first_jit_->install(*module, std::move(to_instrument), std::chrono::milliseconds(module_wait_ms_));
  }
  if (!to_instrument.empty()) {
    CLRPROBE_LOG_INFO("{}: {} methods to instrument", module->assembly_name, to_instrument.size());
    auto done = controller_.request_rejit(std::move(to_instrument));
    if (!done->wait_for(std::chrono::milliseconds(module_wait_ms_))) {
      CLRPROBE_LOG_WARN("{}: ReJIT request still pending after {} ms; first calls may run uninstrumented",
                        module->assembly_name, module_wait_ms_);
    }
  }
  for (uint32_t id : matched_probes) registry_.activate(id);
  if (changed) write_probes_file();
}

Result<nlohmann::json> ProbeService::add(const std::string& selector_text, bool dry_run, uint32_t max_methods,
                                         selector::KindSpec kind, selector::Budget budget) {
  auto parsed = selector::Selector::parse(selector_text);
  if (!parsed) return parsed.error();
  std::lock_guard lock(operations_mutex_);
  Resolution found = resolve(modules_, *parsed);

  if (found.instrumentable.size() > max_methods) {
    return make_error(Reason::TooManyMethods,
                      fmt::format("selector matches {} methods, above the cap of {} "
                                  "(narrow the selector or raise --max-methods)",
                                  found.instrumentable.size(), max_methods));
  }
  const bool pending = found.instrumentable.empty() && found.refused.empty() && parsed->has_assembly_filter() &&
                       !found.assembly_loaded;
  if (found.instrumentable.empty() && !pending) {
    if (found.refused.empty()) {
      return make_error(Reason::NotFound, fmt::format("selector '{}' matches no method in the {} loaded modules",
                                                      parsed->text(), modules_.all().size()));
    }
    return make_error(Reason::Unsupported,
                      fmt::format("selector '{}' matches {} methods, none of which can be probed (first: {}: {})",
                                  parsed->text(), found.refused.size(), found.refused.front().display_name,
                                  found.refused.front().refusal->describe()));
  }

  if (dry_run) {
    nlohmann::json methods = nlohmann::json::array();
    for (const auto& [module, match] : found.instrumentable) {
      methods.push_back({{"name", match.display_name}, {"slot", -1}, {"async", match.measure == MethodMeasure::Task}});
    }
    nlohmann::json refused = nlohmann::json::array();
    for (const auto& match : found.refused) {
      refused.push_back({{"method", match.display_name}, {"reason", match.refusal->describe()}});
    }
    return nlohmann::json{{"id", 0},
                          {"selector", parsed->text()},
                          {"state", pending ? "pending" : "dry_run"},
                          {"kind", selector::probe_kind_name(kind.kind)},
                          {"methods", methods},
                          {"refused", refused}};
  }

  if (!budget.empty() && on_budgeted_) on_budgeted_();
  uint32_t id = registry_.add_probe(*parsed, ProbeState::Pending, ProbeSource::Control, kind, budget);
  for (const auto& match : found.refused) {
    registry_.refuse(id, RefusedMethod{match.display_name, match.refusal->describe()});
  }
  size_t matched = found.instrumentable.size();
  instrument(id, std::move(found.instrumentable), kControlWait, Publish::IfSlow);
  if (auto added = registry_.probe(id); added && added->methods.empty() && !added->refused.empty() && !pending) {
    // Every match failed to instrument (e.g. no stats slot on a full disk):
    // a clear error, and nothing changed.
    const RefusedMethod first = added->refused.front();
    const size_t refused = added->refused.size();
    registry_.discard_probe(id);
    return make_error(Reason::Unsupported, fmt::format("none of the {} matched methods could be instrumented; "
                                                       "first: {}: {}",
                                                       refused, first.method, first.reason));
  }
  CLRPROBE_LOG_INFO("probe {} added: {} ({} methods)", id, parsed->text(), matched);
  write_probes_file();
  auto probe = registry_.probe(id);
  return probe_object(*probe, registry_);
}

nlohmann::json ProbeService::final_figures(uint32_t id) const {
  auto probe = registry_.probe(id);
  if (!probe) return nullptr;
  auto reader = stats::StatsReader::view(region_.bytes());
  return probe_figures(*probe, registry_, reader ? &*reader : nullptr);
}

Result<std::vector<uint32_t>> ProbeService::remove(std::optional<uint32_t> id, bool revert) {
  std::lock_guard lock(operations_mutex_);
  std::vector<uint32_t> ids;
  std::vector<MethodKey> to_revert;
  if (revert) to_revert = registry_.take_disarmed(id);  // probes removed before: their disarmed methods
  if (id) {
    auto probe = registry_.probe(*id);
    if (!probe) {
      const char* forgotten = registry_.forgotten_removed() == 0
                                  ? ""
                                  : " (the agent forgets all but the latest removed probes; "
                                    "`remove --all --revert` reverts their methods)";
      return make_error(Reason::NotFound, fmt::format("no probe with id {}{}", *id, forgotten));
    }
    if (probe->state == ProbeState::Removed && !revert) {
      return make_error(Reason::NotFound, fmt::format("probe {} is already removed", *id));
    }
    if (probe->state != ProbeState::Removed) ids.push_back(*id);
  } else {
    for (const auto& probe : registry_.probes()) {
      if (probe.state != ProbeState::Removed) ids.push_back(probe.id);
    }
  }
  for (uint32_t each : ids) {
    // Disarmed first, then frozen: the final figures are the probe's calls.
    auto unused = registry_.remove_probe(each, nullptr, revert);
    registry_.set_final_figures(each, final_figures(each));
    if (unused) to_revert.insert(to_revert.end(), unused->begin(), unused->end());
    CLRPROBE_LOG_INFO("probe {} removed", each);
  }
  if (!to_revert.empty()) {
    auto done = controller_.request_revert(std::move(to_revert));
    if (!done->wait_for(kControlWait)) CLRPROBE_LOG_WARN("revert request still pending");
  }
  write_probes_file();
  return ids;
}

bool ProbeService::expire(uint32_t id) {
  {
    std::lock_guard lock(operations_mutex_);
    auto probe = registry_.probe(id);
    if (!probe || probe->state == ProbeState::Removed) return false;
    // As remove: disarmed first, then frozen, and no ReJIT.
    if (!registry_.remove_probe(id, nullptr)) return false;
    registry_.set_final_figures(id, final_figures(id));
    registry_.mark_expired(id, unix_now_ns());
    CLRPROBE_LOG_INFO("probe {} expired (ttl {}): removed", id, selector::format_ttl(probe->budget.ttl_ms.value_or(0)));
    write_probes_file();
  }
  if (on_expired_) on_expired_(id);
  return true;
}

bool ProbeService::suspend(uint32_t id, double estimate_pct) {
  std::lock_guard lock(operations_mutex_);
  auto probe = registry_.probe(id);
  if (!probe) return false;
  if (!registry_.suspend_probe(id, estimate_pct, unix_now_ns())) return false;
  registry_.set_final_figures(id, final_figures(id));
  CLRPROBE_LOG_WARN("probe {} suspended: over budget (estimated {:.3g} % of one core > {:.3g} %): {}", id, estimate_pct,
                    probe->budget.max_overhead_pct.value_or(0), probe->selector_text);
  write_probes_file();
  return true;
}

nlohmann::json ProbeService::list(bool with_probes) const {
  nlohmann::json probes = nlohmann::json::array();
  if (with_probes) {
    for (const auto& probe : registry_.probes()) probes.push_back(probe_object(probe, registry_));
  }
  const RejitController::Counts rejit = controller_.counts();
  nlohmann::json result = {
      {"pid", ::getpid()},
      {"agent", {{"version", build_version()}, {"commit", build_commit()}, {"protocol", control::kProtocolVersion}}},
      {"rejit",
       {{"requests", rejit.rejit_requests},
        {"methods", rejit.rejit_methods},
        {"reverted_methods", rejit.reverted_methods}}},
      {"probes", std::move(probes)}};
  // Removed probes beyond the latest few are forgotten (probe_registry.h): say how many.
  if (const uint64_t forgotten = registry_.forgotten_removed(); forgotten != 0) result["removed_forgotten"] = forgotten;
  std::lock_guard lock(file_mutex_);
  if (!watched_file_.empty()) {
    result["probes_file"] = {{"path", watched_file_},
                             {"error", watched_file_error_.empty() ? nlohmann::json(nullptr)
                                                                   : nlohmann::json(watched_file_error_)}};
  }
  return result;
}

std::string ProbeService::probes_file_text() const {
  // The same document as `list`, but each probe is turned into text on its own: the
  // document tree of every probe at once (thousands of methods) would be the agent's
  // peak memory on each change, and malloc keeps such peaks.
  nlohmann::json head = list(/*with_probes=*/false);
  const std::string marker = "clrprobe-probes-go-here";
  head["probes"] = marker;
  const std::string head_text = head.dump();
  const size_t at = head_text.find('"' + marker + '"');
  std::string text = head_text.substr(0, at) + "[";
  bool first = true;
  for (const auto& probe : registry_.probes()) {
    if (!first) text += ',';
    first = false;
    text += probe_object(probe, registry_).dump();
  }
  text += ']';
  text += head_text.substr(at + marker.size() + 2);
  text += '\n';
  return text;
}

void ProbeService::write_probes_file() const {
  if (probes_file_.empty()) return;
  std::string text = probes_file_text();
  std::lock_guard lock(write_mutex_);
  // Unchanged since the last write (e.g. at exit after start-up probes): no
  // new file. Each write creates and renames one, which is most of its cost
  // (a journal entry each on a disk). A fingerprint, not the text: that
  // would keep a copy of every probe's description for the process's life.
  Fnv1a fingerprint;
  fingerprint.add_all(text);
  if (last_written_ && *last_written_ == fingerprint.value()) return;
  std::string temporary = probes_file_ + ".tmp." + std::to_string(::getpid());
  // 0600 like the stats region: probe selectors are the operator's business.
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) ::close(fd);
  if (!written) {
    CLRPROBE_LOG_WARN("cannot write {}", temporary);
    std::remove(temporary.c_str());
    return;
  }
  if (std::rename(temporary.c_str(), probes_file_.c_str()) != 0) {
    CLRPROBE_LOG_WARN("cannot rename {} into place", temporary);
    std::remove(temporary.c_str());
    return;
  }
  last_written_ = fingerprint.value();
}

}  // namespace clrprobe::agent
