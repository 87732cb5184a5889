// The probe operations: add / remove / list (from the control socket),
// startup probes, and matching probes in modules as they load. It turns
// selectors into rejit and revert requests and keeps the probes file (the
// CLI's view without the socket) up to date after every change.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/catalog.h"
#include "agent/first_jit_installer.h"
#include "agent/module_table.h"
#include "agent/probe_registry.h"
#include "agent/rejit_controller.h"
#include "common/result.h"

namespace clrprobe::stats {
class StatsRegion;
}

namespace clrprobe::agent {

class ProbeService {
 public:
  ProbeService(ModuleTable& modules, ProbeRegistry& registry, RejitController& controller,
               stats::StatsRegion& region, std::string probes_file, unsigned module_wait_ms);

  // A declared probe (CLRPROBE_PROBES or the probes file): no method cap, and
  // pending rather than an error when nothing matches yet. Matches in the
  // modules loaded so far are instrumented right away.
  // publish=false leaves writing the probes file to the caller (start-up
  // probes are declared together and published once).
  uint32_t add_declared(selector::Selector selector, ProbeSource source, selector::KindSpec kind = {},
                        bool publish = true, selector::Budget budget = {});
  // From ModuleLoadFinished: instruments what current probes match in the
  // module, waiting (bounded) until the request is made.
  void on_module_loaded(const std::shared_ptr<ModuleInfo>& module);

  // Control operations. `add` returns the probe object (id 0 for a dry run).
  Result<nlohmann::json> add(const std::string& selector_text, bool dry_run, uint32_t max_methods,
                             selector::KindSpec kind = {}, selector::Budget budget = {});
  // nullopt: remove all. Returns the removed ids. The methods no probe uses
  // any more are disarmed (their code stays; a re-add re-arms it); with
  // `revert` they get their original code back (ReJIT), and so do the
  // disarmed methods of the probe `id` when it was removed before (of every
  // probe with nullopt).
  Result<std::vector<uint32_t>> remove(std::optional<uint32_t> id, bool revert = false);
  // with_probes=false: everything but the probes (an empty array), for the
  // probes file, which adds them one at a time (see write_probes_file).
  nlohmann::json list(bool with_probes = true) const;
  // Budgets (budget_supervisor.h). expire: removes the probe as `remove` does
  // (disarm, no ReJIT) and marks it expired; then tells the expiry listener
  // (the watch service closes a watch whose probe expired). suspend: disarms
  // the methods only it holds and freezes its figures. Both publish the
  // probes file and log; false when the probe is gone or ended already.
  bool expire(uint32_t id);
  bool suspend(uint32_t id, double estimate_pct);
  void set_expiry_listener(std::function<void(uint32_t probe_id)> listener) { on_expired_ = std::move(listener); }
  // Called when a probe with a ttl or an overhead budget is added: the agent
  // starts its budget supervisor then, not in every process at start-up.
  void set_budget_listener(std::function<void()> listener) { on_budgeted_ = std::move(listener); }
  // What `list` reports about the watched probes file (error empty: valid).
  void set_probes_file_status(std::string path, std::string error);

  void write_probes_file() const;
  // Rewrites already instrumented methods again, as their probes want them
  // now, and ReJITs them; waits for the rewrite like `add`. For a watch of a
  // method an earlier probe instrumented without the watch hooks.
  void reinstrument(std::vector<MethodKey> keys);
  // Methods matched while their module loads get their probe at first JIT
  // when `installer` can (first_jit_installer.h); else, or without one, ReJIT.
  void set_first_jit_installer(FirstJitInstaller* installer) { first_jit_ = installer; }

 private:
  nlohmann::json final_figures(uint32_t id) const;
  std::string probes_file_text() const;
  // When the probe is published in the probes file while its ReJIT is
  // requested: Now (before the wait: another thread may `list` it meanwhile),
  // or IfSlow (a control `add`: only if the request is still pending after
  // kQuietRejitWait; the one control thread cannot `list` until `add` replies).
  enum class Publish { Now, IfSlow };
  void instrument(uint32_t id, std::vector<std::pair<std::shared_ptr<ModuleInfo>, CatalogMatch>> matches,
                  std::chrono::milliseconds wait, Publish publish = Publish::Now);

  ModuleTable& modules_;
  ProbeRegistry& registry_;
  RejitController& controller_;
  stats::StatsRegion& region_;
  std::string probes_file_;
  unsigned module_wait_ms_;
  FirstJitInstaller* first_jit_ = nullptr;
  std::function<void(uint32_t)> on_expired_;  // set once before the supervisor starts
  std::function<void()> on_budgeted_;         // set once at start-up
  std::mutex operations_mutex_;  // one control operation at a time
  mutable std::mutex write_mutex_;  // one writer of the probes file at a time
  mutable std::optional<uint64_t> last_written_;  // fingerprint of the file's text; guarded by write_mutex_
  mutable std::mutex file_mutex_;
  std::string watched_file_;        // guarded by file_mutex_
  std::string watched_file_error_;  // guarded by file_mutex_
};

}  // namespace clrprobe::agent
