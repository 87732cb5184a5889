#include "agent/watch_service.h"

#include <fmt/format.h>

#include <atomic>

#include "agent/catalog.h"
#include "agent/hook_signatures.h"
#include "agent/log.h"
#include "agent/metadata_names.h"
#include "agent/utf16.h"
#include "watch/capture_plan.h"
#include "watch/precheck_compiler.h"

namespace clrprobe::agent {

using namespace clrprobe::abi;

namespace {

std::atomic<WatchService*> g_service{nullptr};

// Parameter names in declaration order ("argN" where metadata has none).
std::vector<std::string> parameter_names(IMetaDataImport2* import, mdMethodDef method, size_t count) {
  std::vector<std::string> names(count);
  for (size_t i = 0; i < count; ++i) names[i] = "arg" + std::to_string(i);
  HCORENUM e = nullptr;
  mdParamDef params[64];
  ULONG got = 0;
  while (import->EnumParams(&e, method, params, 64, &got) == S_OK && got > 0) {
    for (ULONG i = 0; i < got; ++i) {
      ULONG sequence = 0, length = 0;
      char16_t name[256] = {};
      if (import->GetParamProps(params[i], nullptr, &sequence, reinterpret_cast<LPWSTR>(name), 256, &length, nullptr,
                                nullptr, nullptr, nullptr) < 0) {
        continue;
      }
      // Sequence 0 is the return value; 1.. the parameters.
      if (sequence >= 1 && sequence <= count && length > 1)
        names[sequence - 1] = utf16_to_utf8(std::u16string_view(name));
    }
  }
  if (e != nullptr) import->CloseEnum(e);
  return names;
}

// What metadata says about a value type token of `import`'s module: its
// name, and for an enum defined there, its underlying type and members.
watch::TypeFacts type_facts(IMetaDataImport2* import, uint32_t token) {
  watch::TypeFacts facts;
  facts.name = type_token_name(import, token);
  if (TypeFromToken(token) != mdtTypeDef) return facts;
  DWORD flags = 0;
  mdToken extends = 0;
  ULONG length = 0;
  if (import->GetTypeDefProps(token, nullptr, 0, &length, &flags, &extends) < 0) return facts;
  if (type_token_name(import, extends) != "System.Enum") return facts;
  HCORENUM e = nullptr;
  mdFieldDef fields[64];
  ULONG got = 0;
  while (import->EnumFields(&e, token, fields, 64, &got) == S_OK && got > 0) {
    for (ULONG i = 0; i < got; ++i) {
      char16_t name[256] = {};
      ULONG name_length = 0, sig_length = 0, value_length = 0;
      DWORD attributes = 0, value_type = 0;
      PCCOR_SIGNATURE sig = nullptr;
      UVCP_CONSTANT value = nullptr;
      if (import->GetFieldProps(fields[i], nullptr, reinterpret_cast<LPWSTR>(name), 256, &name_length, &attributes,
                                &sig, &sig_length, &value_type, &value, &value_length) < 0) {
        continue;
      }
      const std::string field = utf16_to_utf8(std::u16string_view(name));
      constexpr DWORD kStatic = 0x10;
      if ((attributes & kStatic) == 0) {
        // value__: FIELD sig = 0x06, element type
        if (sig != nullptr && sig_length >= 2) facts.enum_underlying = sig[1];
        continue;
      }
      if (value == nullptr) continue;
      int64_t n = 0;
      switch (value_type) {
        case 0x04:
          n = *static_cast<const int8_t*>(value);
          break;
        case 0x05:
          n = *static_cast<const uint8_t*>(value);
          break;
        case 0x06:
          n = *static_cast<const int16_t*>(value);
          break;
        case 0x07:
          n = *static_cast<const uint16_t*>(value);
          break;
        case 0x08:
          n = *static_cast<const int32_t*>(value);
          break;
        case 0x09:
          n = *static_cast<const uint32_t*>(value);
          break;
        case 0x0A:
        case 0x0B:
          n = *static_cast<const int64_t*>(value);
          break;
        default:
          continue;
      }
      facts.members.emplace_back(n, field);
    }
  }
  if (e != nullptr) import->CloseEnum(e);
  facts.is_enum = facts.enum_underlying != 0;
  return facts;
}

// The offset of System.Exception._message in an exception object (0 when
// it cannot be found: events then carry the type without the message).
// The runtime's class layout, not the field's getter: nothing runs.
uint32_t exception_message_offset(ICorProfilerInfo10* info, ModuleTable& modules) {
  for (const auto& module : modules.all()) {
    if (module->assembly_name != "System.Private.CoreLib") continue;
    module->open_metadata();
    if (!module->import) return 0;
    mdTypeDef exception = 0;
    if (module->import->FindTypeDefByName(reinterpret_cast<LPCWSTR>(u"System.Exception"), 0, &exception) != S_OK) {
      return 0;
    }
    ClassID class_id = 0;
    if (info->GetClassFromToken(module->id, exception, &class_id) < 0 || class_id == 0) return 0;
    COR_FIELD_OFFSET offsets[128];
    ULONG count = 0, size = 0;
    if (info->GetClassLayout(class_id, offsets, 128, &count, &size) < 0) return 0;
    for (ULONG i = 0; i < count && i < 128; ++i) {
      char16_t name[64] = {};
      ULONG length = 0;
      if (module->import->GetFieldProps(offsets[i].ridOfField, nullptr, reinterpret_cast<LPWSTR>(name), 64, &length,
                                        nullptr, nullptr, nullptr, nullptr, nullptr, nullptr) < 0) {
        continue;
      }
      if (std::u16string_view(name) == u"_message") return offsets[i].ulOffset;
    }
    return 0;
  }
  return 0;
}

// "Ns.Type::Method(int32)" -> "Ns.Type::Method" for events.
std::string event_method_name(const std::string& display) {
  const size_t paren = display.find('(');
  return paren == std::string::npos ? display : display.substr(0, paren);
}

}  // namespace

void set_watch_service(WatchService* service) { g_service.store(service); }
WatchService* watch_service() { return g_service.load(); }

WatchService::WatchService(ICorProfilerInfo10* info, ModuleTable& modules, ProbeRegistry& registry,
                           ProbeService& probes, std::string ring_path, std::function<stats::ClockCalibration()> clock)
    : info_(info),
      modules_(modules),
      registry_(registry),
      probes_(probes),
      ring_path_(std::move(ring_path)),
      clock_(std::move(clock)) {}

WatchService::~WatchService() {
  // Hooks may still run in other threads: the runtime withdraws but the
  // memory it points to stays (the agent lives as long as the process).
  watch::WatchRuntime::install(nullptr);
  (void)runtime_.release();
  (void)ring_.release();
  (void)stacks_.release();
}

Status WatchService::ensure_runtime() {
  if (runtime_) return {};
  auto ring = watch::EventRingWriter::create(ring_path_);
  if (!ring) return ring.error();
  watch::ObjectLayout layout;
  ULONG length_offset = 0, buffer_offset = 0;
  if (info_->GetStringLayout2(&length_offset, &buffer_offset) >= 0) {
    layout.string_length_offset = length_offset;
    layout.string_buffer_offset = buffer_offset;
  }
  layout.exception_message_offset = exception_message_offset(info_, modules_);
  if (layout.exception_message_offset == 0) CLRPROBE_LOG_WARN("watch: exception messages are not available");
  ring_ = std::move(ring.value());
  runtime_ = std::make_unique<watch::WatchRuntime>(
      *ring_, layout, [this](uintptr_t class_id) { return runtime_type(class_id); }, clock_());
  stacks_ = std::make_unique<StackWalker>(info_, modules_);
  runtime_->set_stack_walker([walker = stacks_.get()](const std::string& watched) { return walker->walk(watched); });
  watch::WatchRuntime::install(runtime_.get());
  CLRPROBE_LOG_INFO("watch event ring at {}", ring_path_);
  return {};
}

watch::RuntimeType WatchService::runtime_type(uintptr_t class_id) {
  {
    std::lock_guard lock(names_mutex_);
    if (auto it = names_.find(class_id); it != names_.end()) return it->second;
  }
  watch::RuntimeType type{"?", false};
  CorElementType element{};
  ClassID element_class = 0;
  ULONG rank = 0;
  if (info_->IsArrayClass(class_id, &element, &element_class, &rank) == S_OK) {
    type.name = runtime_type(element_class).name + (rank == 1 ? "[]" : "[" + std::string(rank - 1, ',') + "]");
    type.sz_array = rank == 1;
  } else {
    ModuleID module_id = 0;
    mdTypeDef typedef_token = 0;
    if (info_->GetClassIDInfo2(class_id, &module_id, &typedef_token, nullptr, 0, nullptr, nullptr) >= 0) {
      if (auto module = modules_.find(module_id)) {
        module->open_metadata();
        if (module->import) {
          if (auto name = typedef_full_name(module->import.get(), typedef_token)) type.name = *name;
        }
      }
    }
  }
  std::lock_guard lock(names_mutex_);
  names_[class_id] = type;
  return type;
}

std::optional<il::WatchHooks> WatchService::hooks_for(ModuleInfo& module, const MethodKey& key,
                                                      const il::MethodSig& sig, uint32_t modopt_token) {
  {
    std::lock_guard lock(wanted_mutex_);
    if (wanted_.count(key) == 0) return std::nullopt;
  }
  il::WatchHooks hooks;
  for (size_t i = 0; i < sig.params.size() && i < il::kMaxWatchArgs; ++i) {
    if (sig.params[i].kind == il::ElementType::TypedByRef) return std::nullopt;
    hooks.args.push_back(static_cast<uint16_t>(i));
  }
  if (sig.sentinel_index) return std::nullopt;
  const auto blob = il::watch_hook_signature(static_cast<uint32_t>(hooks.args.size()), modopt_token);
  mdSignature token = 0;
  if (module.emit->GetTokenFromSig(blob.data(), static_cast<ULONG>(blob.size()), &token) < 0) return std::nullopt;
  hooks.sig_token = token;
  hooks.leave_fn = watch::WatchRuntime::leave_fn(static_cast<uint32_t>(hooks.args.size()));
  hooks.exception_fn = watch::WatchRuntime::exception_fn(static_cast<uint32_t>(hooks.args.size()));
  // The stack hook: void(int32), plain cdecl, deliberately WITHOUT the
  // SuppressGCTransition modopt (watch/watch_runtime.h says why). Without a
  // token the method is still watched; its --stack events then say so.
  const auto stack_blob = count_hook_signature(0);
  mdSignature stack_token = 0;
  if (module.emit->GetTokenFromSig(stack_blob.data(), static_cast<ULONG>(stack_blob.size()), &stack_token) >= 0) {
    hooks.stack_fn = watch::WatchRuntime::stack_fn();
    hooks.stack_sig_token = stack_token;
  }
  prechecks_.compile_into(key, &hooks);
  std::lock_guard lock(wanted_mutex_);
  hooked_.insert(key);
  return hooks;
}

Result<nlohmann::json> WatchService::watch(const control::WatchRequest& request) {
  std::lock_guard lock(mutex_);
  watch::Condition condition;
  if (!request.condition.empty()) {
    auto parsed = watch::parse_condition(request.condition);
    if (!parsed) return make_error(Reason::InvalidInput, "condition: " + parsed.error().message);
    condition = *parsed;
  }
  auto selector = selector::Selector::parse(request.selector);
  if (!selector) return selector.error();

  // Resolve and plan every method before anything is instrumented.
  struct Planned {
    MethodKey key;
    std::shared_ptr<watch::WatchedMethod> method;
    std::optional<il::WatchPrecheck> precheck;
  };
  std::vector<Planned> planned;
  std::vector<MethodKey> rehook;
  std::vector<std::pair<uint32_t, selector::Selector>> one{{0, *selector}};
  for (const auto& module : modules_.all()) {
    if (!selector->matches_assembly(module->assembly_name)) continue;
    for (auto& match : find_matches(*module, one)) {
      if (match.refusal) continue;
      module->open_metadata();
      if (!module->import) continue;
      auto props = method_props(module->import.get(), match.token);
      if (!props) continue;
      auto sig = il::parse_method_sig(props->signature);
      if (!sig) continue;
      const MethodKey key{module->id, match.token};
      if (auto known = registry_.method(key);
          known && known->state == MethodState::Instrumented && (known->in_runtime || known->rejit_pending)) {
        // Code of an earlier probe, without the hooks (a re-add would only
        // re-arm it): written again, with them, once the watch's probe holds it.
        std::lock_guard wanted(wanted_mutex_);
        if (hooked_.count(key) == 0) rehook.push_back(key);
      }
      auto m = std::make_shared<watch::WatchedMethod>();
      m->method = event_method_name(match.display_name);
      m->declared_params = static_cast<uint32_t>(sig->params.size());
      const auto names = parameter_names(module->import.get(), match.token, sig->params.size());
      auto bound = watch::bind_condition(condition, names);
      if (!bound) return make_error(bound.error().reason, match.display_name + ": " + bound.error().message);
      m->condition = *bound;
      const auto facts = [&](uint32_t token) { return type_facts(module->import.get(), token); };
      for (size_t i = 0; i < sig->params.size() && i < il::kMaxWatchArgs; ++i) {
        m->arg_params.push_back(static_cast<uint16_t>(i));
        m->arg_names.push_back(names[i]);
        m->arg_plans.push_back(watch::plan_capture(sig->params[i], facts));
        if (!m->arg_plans.back().reason.empty()) {
          m->note += (m->note.empty() ? "" : "; ") + names[i] + " not captured: " + m->arg_plans.back().reason;
        }
      }
      for (uint32_t used : m->condition.uses().args) {
        if (used >= il::kMaxWatchArgs) {
          return make_error(Reason::Unsupported,
                            fmt::format("{}: the condition reads parameter {}, beyond the first {} a watch hands over",
                                        match.display_name, used, il::kMaxWatchArgs));
        }
      }
      if (!sig->ret.is_void()) m->return_plan = watch::plan_capture(sig->ret, facts);
      auto precheck = watch::compile_precheck(m->condition, m->arg_params, m->arg_plans);
      planned.push_back({key, std::move(m), std::move(precheck)});
    }
  }
  if (planned.empty()) {
    return make_error(Reason::NotFound, fmt::format("selector '{}' matches no method that can be watched in the {} "
                                                    "loaded modules",
                                                    request.selector, modules_.all().size()));
  }
  if (planned.size() > static_cast<size_t>(request.max_methods)) {
    return make_error(Reason::TooManyMethods, fmt::format("selector matches {} methods, above the cap of {}",
                                                          planned.size(), request.max_methods));
  }
  if (Status s = ensure_runtime(); !s) return s.error();

  const uint32_t id = next_id_++;
  auto counters = ring_->open_watch(id);
  if (!counters) return make_error(Reason::RuntimeError, "too many watches at once");
  watch::WatchOptions options;
  options.id = id;
  options.args = request.args;
  options.return_value = request.return_value;
  options.stack = request.stack;
  options.rate = static_cast<uint32_t>(request.rate);
  auto state = std::make_shared<watch::WatchState>(options, *counters);
  {
    std::lock_guard wanted(wanted_mutex_);
    for (const auto& p : planned) wanted_.insert(p.key);
  }
  for (const auto& p : planned) prechecks_.want(p.key, p.precheck);
  selector::Budget budget;  // ranges checked by parse_request
  if (request.ttl_ms > 0) budget.ttl_ms = static_cast<uint64_t>(request.ttl_ms);
  if (request.max_overhead_pct > 0) budget.max_overhead_pct = request.max_overhead_pct;
  auto probe = probes_.add(request.selector, false, static_cast<uint32_t>(request.max_methods), {}, budget);
  if (!probe) {
    ring_->close_watch(*counters);
    return probe.error();
  }
  registry_.mark_watch((*probe)["id"].get<uint32_t>());
  probes_.reinstrument(std::move(rehook));
  Active active{id, (*probe)["id"].get<uint32_t>(), *counters, {}, {}};
  nlohmann::json methods = nlohmann::json::array();
  for (auto& p : planned) {
    auto known = registry_.method(p.key);
    bool hooked = false;
    {
      std::lock_guard wanted(wanted_mutex_);
      hooked = hooked_.count(p.key) != 0;
    }
    nlohmann::json row = {{"method", p.method->method}};
    if (known && known->state == MethodState::Instrumented && hooked && known->slot >= 0) {
      p.method->watch = state;
      prechecks_.attach(p.key, p.precheck);
      runtime_->attach(known->slot, p.method);
      active.slots.push_back(known->slot);
      active.keys.push_back(p.key);
      row["watched"] = true;
      if (!p.method->note.empty()) row["note"] = p.method->note;
    } else {
      row["watched"] = false;
      row["note"] = known && known->state == MethodState::Failed ? "not instrumented"
                    : !hooked ? "instrumented without watch hooks (task-returning or tail calls)"
                              : "not instrumented yet";
    }
    methods.push_back(std::move(row));
  }
  active_[id] = active;
  CLRPROBE_LOG_INFO("watch {} on {} ({} methods, probe {})", id, request.selector, active.slots.size(),
                    active.probe_id);
  return nlohmann::json{{"id", id},
                        {"probe", active.probe_id},
                        {"ring", ring_path_},
                        {"counters", *counters},
                        {"methods", std::move(methods)}};
}

Result<nlohmann::json> WatchService::unwatch(uint32_t id) {
  std::lock_guard lock(mutex_);
  auto it = active_.find(id);
  if (it == active_.end()) return make_error(Reason::NotFound, fmt::format("no watch with id {}", id));
  detach_all(it->second);
  auto removed = probes_.remove(it->second.probe_id);
  ring_->close_watch(it->second.counters_index);
  active_.erase(it);
  if (!removed) return removed.error();
  CLRPROBE_LOG_INFO("watch {} removed", id);
  return nlohmann::json{{"id", id}};
}

void WatchService::detach_all(const Active& active) {
  for (int32_t slot : active.slots) runtime_->detach(slot);
  for (const MethodKey& key : active.keys) prechecks_.detach(key);
}

void WatchService::probe_expired(uint32_t probe_id) {
  std::lock_guard lock(mutex_);
  for (auto it = active_.begin(); it != active_.end(); ++it) {
    if (it->second.probe_id != probe_id) continue;
    detach_all(it->second);
    ring_->close_watch(it->second.counters_index);
    CLRPROBE_LOG_INFO("watch {} ended: its probe {} expired", it->first, probe_id);
    active_.erase(it);
    return;
  }
}

}  // namespace clrprobe::agent
