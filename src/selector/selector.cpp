// Matching. These functions run inside the host process for every module,
// TypeDef and MethodDef the agent looks at: they never throw and, for
// pattern selectors, never allocate for ordinary name lengths.
#include "selector/selector.h"

#include "selector/arity.h"

namespace clrprobe::selector {

NamePattern::NamePattern(std::string_view pattern, CaseSensitivity cs)
    : glob_(pattern, cs), also_without_arity_(pattern.find('`') == std::string_view::npos) {}

bool NamePattern::matches(std::string_view name) const noexcept {
  if (glob_.matches(name)) return true;
  if (!also_without_arity_) return false;
  AritylessName stripped(name);
  return stripped.changed() && glob_.matches(stripped.view());
}

bool Selector::matches_assembly(std::string_view assembly_simple_name) const noexcept {
  if (is_regex() || !assembly_) return true;
  return assembly_->matches(assembly_simple_name);
}

bool Selector::matches_type(std::string_view type_full_name) const noexcept {
  if (is_regex()) return true;
  return type_.matches(type_full_name);
}

bool Selector::matches_params(const std::vector<std::string>* params) const noexcept {
  if (!params_) return true;
  if (params == nullptr || params->size() != params_->size()) return false;
  for (std::size_t i = 0; i < params->size(); ++i) {
    if (!(*params_)[i].matches((*params)[i])) return false;
  }
  return true;
}

bool Selector::matches_regex(const MethodIdentity& method) const noexcept {
  if (method.param_types == nullptr) return false;
  try {
    // One buffer per thread: after warm-up, matching does not allocate for
    // the string (std::regex itself may).
    thread_local std::string buffer;
    buffer.clear();
    format_method_identity(method, buffer, /*with_assembly=*/true);
    return std::regex_search(buffer, *regex_);
  } catch (...) {
    // error_complexity / error_stack / bad_alloc: treat as "no match".
    return false;
  }
}

bool Selector::matches_method(const MethodIdentity& method) const noexcept {
  if (is_regex()) return matches_regex(method);
  if (method_arity_ && method.generic_arity != *method_arity_) return false;
  if (!method_.matches(method.method_name)) return false;
  return matches_params(method.param_types);
}

bool Selector::matches(const MethodIdentity& method) const noexcept {
  if (is_regex()) return matches_regex(method);
  return matches_assembly(method.assembly) && matches_type(method.type_full_name) &&
         matches_method(method);
}

std::string_view Selector::assembly_pattern() const {
  return assembly_ ? std::string_view(assembly_->pattern()) : std::string_view();
}

std::optional<std::vector<std::string>> Selector::param_patterns() const {
  if (!params_) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(params_->size());
  for (const NamePattern& p : *params_) out.push_back(p.pattern());
  return out;
}

std::string Selector::describe() const {
  if (is_regex()) return "regex=" + text_.substr(kRegexPrefix.size());
  std::string out = "assembly=";
  out += assembly_ ? assembly_->pattern() : "*";
  out += " type=" + type_.pattern();
  out += " method=" + method_.pattern();
  if (method_arity_) out += " arity=" + std::to_string(*method_arity_);
  out += " params=";
  if (!params_) {
    out += "any";
  } else {
    out += '(';
    for (std::size_t i = 0; i < params_->size(); ++i) {
      if (i) out += ',';
      out += (*params_)[i].pattern();
    }
    out += ')';
  }
  return out;
}

void format_method_identity(const MethodIdentity& method, std::string& out, bool with_assembly) {
  if (with_assembly) {
    out += method.assembly;
    out += '!';
  }
  out += method.type_full_name;
  out += "::";
  out += method.method_name;
  if (method.param_types == nullptr) return;
  out += '(';
  for (std::size_t i = 0; i < method.param_types->size(); ++i) {
    if (i) out += ',';
    out += (*method.param_types)[i];
  }
  out += ')';
}

}  // namespace clrprobe::selector
