#include "control/messages.h"

#include <limits>
#include <optional>

namespace clrprobe::control {
namespace {

using nlohmann::json;

Error invalid(std::string message) { return make_error(Reason::InvalidInput, std::move(message)); }

// nullptr when absent. Never operator[] on a const json: that asserts.
const json* field(const json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

// An integer field: JSON integers only (3.0 and "3" are refused), in [lo, hi].
Result<int64_t> integer_in_range(const json& value, const char* name, int64_t lo, int64_t hi) {
  const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (!value.is_number_integer()) return invalid(std::string("\"") + name + "\" must be an integer in " + range);
  int64_t n = 0;
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(hi)) return invalid(std::string("\"") + name + "\" must be in " + range);
    n = static_cast<int64_t>(u);
  } else {
    n = value.get<int64_t>();
  }
  if (n < lo || n > hi) return invalid(std::string("\"") + name + "\" must be in " + range);
  return n;
}

// "ttl_ms" (integer) and "max_overhead_pct" (number), both optional.
Status parse_budget(const json& m, int64_t* ttl_ms, double* max_overhead_pct) {
  if (const json* ttl = field(m, "ttl_ms"); ttl != nullptr && !ttl->is_null()) {
    auto n = integer_in_range(*ttl, "ttl_ms", 1, kMaxTtlMs);
    if (!n) return n.error();
    *ttl_ms = *n;
  }
  if (const json* pct = field(m, "max_overhead_pct"); pct != nullptr && !pct->is_null()) {
    if (!pct->is_number() || !(pct->get<double>() > 0) || pct->get<double>() > 100) {
      return invalid("\"max_overhead_pct\" must be a number above 0 and at most 100 (percent of one core)");
    }
    *max_overhead_pct = pct->get<double>();
  }
  return {};
}

Result<Request> parse_add(const json& m) {
  AddRequest add;
  const json* selector = field(m, "selector");
  if (selector == nullptr) return invalid("add needs a \"selector\" string");
  if (!selector->is_string()) return invalid("\"selector\" must be a string");
  add.selector = selector->get<std::string>();
  if (add.selector.empty()) return invalid("\"selector\" must not be empty");
  if (add.selector.size() > kMaxSelectorLength) {
    return invalid("\"selector\" is longer than " + std::to_string(kMaxSelectorLength) + " bytes");
  }
  if (const json* dry = field(m, "dry_run"); dry != nullptr && !dry->is_null()) {
    if (!dry->is_boolean()) return invalid("\"dry_run\" must be true or false");
    add.dry_run = dry->get<bool>();
  }
  if (const json* max = field(m, "max_methods"); max != nullptr && !max->is_null()) {
    auto n = integer_in_range(*max, "max_methods", 1, kMaxMaxMethods);
    if (!n) return n.error();
    add.max_methods = *n;
  }
  const json* kind = field(m, "kind");
  if (kind != nullptr && !kind->is_null()) {
    if (!kind->is_string()) return invalid("\"kind\" must be a string");
    add.kind = kind->get<std::string>();
    if (add.kind != "full" && add.kind != "count" && add.kind != "sampled") {
      return invalid("\"kind\" must be \"full\", \"count\" or \"sampled\"");
    }
  }
  if (const json* sample = field(m, "sample"); sample != nullptr && !sample->is_null()) {
    if (add.kind != "sampled") return invalid("\"sample\" needs \"kind\": \"sampled\"");
    auto n = integer_in_range(*sample, "sample", 1, 1'000'000);
    if (!n) return n.error();
    add.sample = *n;
  }
  if (Status s = parse_budget(m, &add.ttl_ms, &add.max_overhead_pct); !s) return s.error();
  return Request{std::move(add)};
}

Result<Request> parse_remove(const json& m) {
  const json* id = field(m, "id");
  const json* all = field(m, "all");
  if (id != nullptr && id->is_null()) id = nullptr;
  if (all != nullptr && all->is_null()) all = nullptr;
  if (id != nullptr && all != nullptr) return invalid("remove takes \"id\" or \"all\", not both");
  RemoveRequest remove;
  if (const json* revert = field(m, "revert"); revert != nullptr && !revert->is_null()) {
    if (!revert->is_boolean()) return invalid("\"revert\" must be true or false");
    remove.revert = revert->get<bool>();
  }
  if (id != nullptr) {
    auto n = integer_in_range(*id, "id", 1, std::numeric_limits<uint32_t>::max());
    if (!n) return n.error();
    remove.id = static_cast<uint32_t>(*n);
    return Request{remove};
  }
  if (all != nullptr) {
    // "all": false would be a request to remove nothing: refuse, it is a mistake.
    if (!all->is_boolean() || !all->get<bool>()) return invalid("\"all\" must be true");
    remove.all = true;
    return Request{remove};
  }
  return invalid("remove needs \"id\" (a probe id) or \"all\": true");
}

Result<Request> parse_watch(const json& m) {
  WatchRequest watch;
  const json* selector = field(m, "selector");
  if (selector == nullptr || !selector->is_string()) return invalid("watch needs a \"selector\" string");
  watch.selector = selector->get<std::string>();
  if (watch.selector.empty() || watch.selector.size() > kMaxSelectorLength) {
    return invalid("\"selector\" must be 1.." + std::to_string(kMaxSelectorLength) + " bytes");
  }
  if (const json* c = field(m, "condition"); c != nullptr && !c->is_null()) {
    if (!c->is_string()) return invalid("\"condition\" must be a string");
    watch.condition = c->get<std::string>();
    if (watch.condition.size() > kMaxConditionLength) {
      return invalid("\"condition\" is longer than " + std::to_string(kMaxConditionLength) + " bytes");
    }
  }
  for (auto [name, target] :
       {std::pair{"args", &watch.args}, std::pair{"return", &watch.return_value}, std::pair{"stack", &watch.stack}}) {
    if (const json* b = field(m, name); b != nullptr && !b->is_null()) {
      if (!b->is_boolean()) return invalid(std::string("\"") + name + "\" must be true or false");
      *target = b->get<bool>();
    }
  }
  if (const json* rate = field(m, "rate"); rate != nullptr && !rate->is_null()) {
    auto n = integer_in_range(*rate, "rate", 1, kMaxWatchRate);
    if (!n) return n.error();
    watch.rate = *n;
  }
  if (const json* max = field(m, "max_methods"); max != nullptr && !max->is_null()) {
    auto n = integer_in_range(*max, "max_methods", 1, kMaxMaxMethods);
    if (!n) return n.error();
    watch.max_methods = *n;
  }
  if (Status s = parse_budget(m, &watch.ttl_ms, &watch.max_overhead_pct); !s) return s.error();
  return Request{std::move(watch)};
}

Result<Request> parse_unwatch(const json& m) {
  const json* id = field(m, "id");
  if (id == nullptr) return invalid("unwatch needs \"id\" (a watch id)");
  auto n = integer_in_range(*id, "id", 1, std::numeric_limits<uint32_t>::max());
  if (!n) return n.error();
  return Request{UnwatchRequest{static_cast<uint32_t>(*n)}};
}

}  // namespace

Result<Request> parse_request(const json& m) {
  if (!m.is_object()) return invalid("a request must be a JSON object");
  const json* op = field(m, "op");
  if (op == nullptr) return invalid("request has no \"op\"");
  if (!op->is_string()) return invalid("\"op\" must be a string");
  const auto& name = op->get_ref<const std::string&>();
  if (name == "ping") return Request{PingRequest{}};
  if (name == "list") return Request{ListRequest{}};
  if (name == "add") return parse_add(m);
  if (name == "remove") return parse_remove(m);
  if (name == "watch") return parse_watch(m);
  if (name == "unwatch") return parse_unwatch(m);
  // Quote at most a little of the name: it is untrusted and could be huge.
  return invalid("unknown op \"" + name.substr(0, 64) + "\" (expected ping, add, remove, list, watch or unwatch)");
}

std::string_view op_name(const Request& request) {
  struct Visitor {
    std::string_view operator()(const PingRequest&) const { return "ping"; }
    std::string_view operator()(const AddRequest&) const { return "add"; }
    std::string_view operator()(const RemoveRequest&) const { return "remove"; }
    std::string_view operator()(const ListRequest&) const { return "list"; }
    std::string_view operator()(const WatchRequest&) const { return "watch"; }
    std::string_view operator()(const UnwatchRequest&) const { return "unwatch"; }
  };
  return std::visit(Visitor{}, request);
}

json to_json(const Request& request) {
  json j = json::object();
  j["op"] = std::string(op_name(request));
  if (const auto* add = std::get_if<AddRequest>(&request)) {
    j["selector"] = add->selector;
    j["dry_run"] = add->dry_run;
    j["max_methods"] = add->max_methods;
    if (add->kind != "full") j["kind"] = add->kind;
    if (add->kind == "sampled") j["sample"] = add->sample;
    if (add->ttl_ms != 0) j["ttl_ms"] = add->ttl_ms;
    if (add->max_overhead_pct != 0) j["max_overhead_pct"] = add->max_overhead_pct;
  } else if (const auto* watch = std::get_if<WatchRequest>(&request)) {
    j["selector"] = watch->selector;
    j["condition"] = watch->condition;
    j["args"] = watch->args;
    j["return"] = watch->return_value;
    j["stack"] = watch->stack;
    j["rate"] = watch->rate;
    j["max_methods"] = watch->max_methods;
    if (watch->ttl_ms != 0) j["ttl_ms"] = watch->ttl_ms;
    j["max_overhead_pct"] = watch->max_overhead_pct;
  } else if (const auto* unwatch = std::get_if<UnwatchRequest>(&request)) {
    j["id"] = unwatch->id;
  } else if (const auto* remove = std::get_if<RemoveRequest>(&request)) {
    if (remove->all) {
      j["all"] = true;
    } else {
      j["id"] = remove->id;
    }
    if (remove->revert) j["revert"] = true;
  }
  return j;
}

json ok_response(json fields) {
  json response = fields.is_object() ? std::move(fields) : json::object();
  response["ok"] = true;
  return response;
}

json error_response(std::string_view reason, std::string_view message) {
  return json{{"ok", false},
              {"error", {{"reason", std::string(reason)}, {"message", std::string(message)}}}};
}

json error_response(const Error& error) { return error_response(wire_reason_for(error.reason), error.message); }

Reason reason_from_wire(std::string_view wire) {
  if (wire == wire_reason::kInvalidInput || wire == wire_reason::kProtocol) return Reason::InvalidInput;
  if (wire == wire_reason::kTooManyMethods) return Reason::TooManyMethods;
  if (wire == wire_reason::kNotFound) return Reason::NotFound;
  if (wire == wire_reason::kPermissionDenied) return Reason::Io;
  if (wire == wire_reason::kUnsupported) return Reason::Unsupported;
  return Reason::RuntimeError;  // runtime_error, busy, and names from newer agents
}

std::string_view wire_reason_for(Reason reason) {
  switch (reason) {
    case Reason::InvalidInput:
    case Reason::Truncated:
      return wire_reason::kInvalidInput;
    case Reason::NotFound:
      return wire_reason::kNotFound;
    case Reason::MethodTooLarge:
    case Reason::UnsupportedTailCall:
    case Reason::UnsupportedJmp:
    case Reason::UnsupportedOpcode:
    case Reason::AbstractOrNoBody:
    case Reason::DynamicMethod:
    case Reason::CollectibleModule:
    case Reason::Unsupported:
      return wire_reason::kUnsupported;
    case Reason::TooManyMethods:
      return wire_reason::kTooManyMethods;
    default:
      // RuntimeError, Io, VerificationFailed (an agent bug), and codes added
      // to Reason later: all are "the agent failed", not "you asked wrong".
      break;
  }
  return wire_reason::kRuntimeError;
}

Result<json> interpret_response(json response) {
  auto malformed = [](std::string what) {
    return make_error(Reason::InvalidInput, "malformed response from agent: " + std::move(what));
  };
  if (!response.is_object()) return malformed("not a JSON object");
  auto ok = response.find("ok");
  if (ok == response.end() || !ok->is_boolean()) return malformed("no boolean \"ok\"");
  if (ok->get<bool>()) return response;
  auto error = response.find("error");
  if (error == response.end() || !error->is_object()) return malformed("\"ok\": false without an \"error\" object");
  auto reason = error->find("reason");
  auto message = error->find("message");
  if (reason == error->end() || !reason->is_string()) return malformed("error without a \"reason\" string");
  if (message == error->end() || !message->is_string()) return malformed("error without a \"message\" string");
  return make_error(reason_from_wire(reason->get_ref<const std::string&>()), message->get<std::string>());
}

}  // namespace clrprobe::control
