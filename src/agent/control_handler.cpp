#include "agent/control_handler.h"

#include <unistd.h>

#include <type_traits>

#include "agent/watch_service.h"
#include "selector/probe_kind.h"

namespace clrprobe::agent {

namespace {

constexpr const char* kAgentVersion = "0.1.0";

}  // namespace

nlohmann::json handle_control_request(ProbeService& service, const control::Request& request) {
  return std::visit(
      [&](const auto& r) -> nlohmann::json {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, control::PingRequest>) {
          return control::ok_response({{"pid", ::getpid()}, {"agent_version", kAgentVersion}, {"protocol", 1}});
        } else if constexpr (std::is_same_v<T, control::ListRequest>) {
          return control::ok_response(service.list());
        } else if constexpr (std::is_same_v<T, control::AddRequest>) {
          selector::KindSpec kind;
          if (auto parsed = selector::parse_probe_kind(r.kind)) kind.kind = *parsed;  // checked by parse_request
          kind.sample = static_cast<uint32_t>(r.sample);
          selector::Budget budget;  // ranges checked by parse_request
          if (r.ttl_ms > 0) budget.ttl_ms = static_cast<uint64_t>(r.ttl_ms);
          if (r.max_overhead_pct > 0) budget.max_overhead_pct = r.max_overhead_pct;
          auto probe = service.add(r.selector, r.dry_run, static_cast<uint32_t>(r.max_methods), kind, budget);
          if (!probe) return control::error_response(probe.error());
          return control::ok_response({{"probe", *probe}});
        } else if constexpr (std::is_same_v<T, control::WatchRequest>) {
          WatchService* watches = watch_service();
          if (watches == nullptr) return control::error_response(control::wire_reason::kUnsupported, "no watches");
          auto watch = watches->watch(r);
          if (!watch) return control::error_response(watch.error());
          return control::ok_response({{"watch", *watch}});
        } else if constexpr (std::is_same_v<T, control::UnwatchRequest>) {
          WatchService* watches = watch_service();
          if (watches == nullptr) return control::error_response(control::wire_reason::kUnsupported, "no watches");
          auto unwatched = watches->unwatch(r.id);
          if (!unwatched) return control::error_response(unwatched.error());
          return control::ok_response({{"unwatched", *unwatched}});
        } else {
          auto removed = service.remove(r.all ? std::nullopt : std::optional<uint32_t>(r.id), r.revert);
          if (!removed) return control::error_response(removed.error());
          return control::ok_response({{"removed", *removed}});
        }
      },
      request);
}

}  // namespace clrprobe::agent
