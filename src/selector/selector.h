// Selectors name the methods a probe instruments (see DESIGN.md, "Selectors").
//
// Pattern form:   [Assembly!]Namespace.Type::Method[(ParamType,...)]
// Regex form:     re:<ECMAScript regex>
//
// Pattern form, part by part:
//  * '*' matches any run of characters, dots included, in every part:
//    "MyApp.*::Get*" matches MyApp.Orders.Store::GetById.
//  * Assembly (optional, before '!'): the simple assembly name, compared
//    ASCII case-insensitively (the loader treats assembly names that way).
//    A trailing ".dll" or ".exe" is ignored: "MyApp.dll!..." == "MyApp!...".
//    Without an assembly part every assembly matches.
//  * Type: the full metadata name, namespace included, nested types joined
//    with '+': "MyApp.Outer+Inner". A type in the global namespace is just
//    "Program". Case-sensitive.
//  * Generic types: metadata names carry an arity suffix ("List`1",
//    "Dictionary`2+Enumerator"). A type pattern without a backtick matches
//    the name with every "`N" removed as well as the full name, so "List"
//    and "List`1" both match List`1. A pattern with a backtick matches the
//    full metadata name only. "Name<N>" (digits only) at the end of a nested
//    segment is accepted as a spelling of "Name`N"; "List<T>" is rejected
//    with a hint, because generic parameters are not named in selectors.
//  * Method: the metadata name (".ctor", ".cctor", "get_Count",
//    "<Main>b__0_0", "System.IDisposable.Dispose"). Case-sensitive. A generic
//    method matches whatever its arity, unless the pattern ends in "`N" or
//    "<N>" (digits), which requires MethodIdentity::generic_arity == N.
//  * Parameter list (optional): absent = any overload; "()" = parameterless
//    only; "(int32,string)" = exactly these parameter types, in order. Each
//    entry is a glob over the canonical parameter type name (see below), so
//    "(*)" means "exactly one parameter of any type". C# aliases are accepted
//    and translated: int->int32, long->int64, short->int16, byte->uint8,
//    sbyte->int8, ushort->uint16, uint->uint32, ulong->uint64,
//    float->float32, double->float64, nint->"native int",
//    nuint->"native uint", decimal->System.Decimal; bool, char, string,
//    object, void stay. So are the BCL names System.Int32, System.String, ...
//    and the ilasm spellings "native unsigned int", "unsigned int32", ... An
//    alias directly next to '*' is not translated ("int*" stays a glob that
//    matches int8, int16, int32, int64, int32[] ...). "class "/"valuetype "
//    prefixes are dropped. Whitespace around punctuation is ignored.
//    Note '*' is always the wildcard, so the pointer type "int32*" is written
//    the same way and also matches int32&, int32[], ...
//
// Canonical parameter type names (what the agent must put in
// MethodIdentity::param_types; ilasm-like, no spaces except in the two
// "native" names, no assembly qualification, custom modifiers dropped):
//    void bool char int8 uint8 int16 uint16 int32 uint32 int64 uint64
//    float32 float64 "native int" "native uint" string object typedref
//    class/valuetype      full metadata name:  System.Collections.Generic.List`1
//                         nested:               Ns.Outer+Inner
//    generic instance     Name`N<arg,arg>:      System.Collections.Generic.Dictionary`2<string,int32>
//    single-dim array     elem[]                 int32[]
//    multi-dim array      elem[,] (rank-1 commas, bounds dropped)
//    byref / pointer      elem& / elem*
//    type / method var    !0 / !!0
//    function pointer     method (selectors can only match it with "*")
// Because arity stripping also applies to parameter patterns,
// "(System.Collections.Generic.List<int32>)" matches List`1<int32>. Short
// names are not resolved: write "*List<int32>" or the full name.
//
// Regex form: "re:" followed by an ECMAScript regex that is searched
// (std::regex_search: unanchored, use ^ and $) in the string
//    Assembly!Namespace.Type::Method(param,param)
// built from a MethodIdentity by format_method_identity(). Regex selectors
// cannot pre-filter assemblies or types (matches_assembly/matches_type
// return true) and always need the parameter types. Matching runs in
// polynomial time (a non-backtracking executor), so back-references (\1)
// are refused as an invalid regex.
//
// Lists: CLRPROBE_PROBES carries several selectors separated by ';', so a
// selector (a regex included) cannot contain ';' (write \x3b in a regex).
//
// Validation errors (Reason::InvalidInput, the message quotes the selector
// and a 1-based column): empty selector, longer than kMaxSelectorLength,
// whitespace or invalid characters outside the parameter list, missing
// "::", empty assembly/type/method part, empty segment in the type name
// ("A..B", "A+", ".A"), generic parameters written by name ("List<T>"),
// unbalanced or nested parentheses, text after ')', empty parameter entries,
// unbalanced <> or [] in a parameter type, empty or invalid regex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "selector/glob.h"

namespace clrprobe::selector {

inline constexpr std::size_t kMaxSelectorLength = 1024;
inline constexpr char kSelectorListSeparator = ';';
inline constexpr std::string_view kRegexPrefix = "re:";

// What the agent knows about one MethodDef. Views must stay valid for the
// duration of the call only.
struct MethodIdentity {
  std::string_view assembly;        // simple name: "System.Private.CoreLib"
  std::string_view type_full_name;  // "Ns.Outer+Inner", arity suffixes as in metadata
  std::string_view method_name;     // metadata name: "GetById", ".ctor"
  // Canonical parameter type names (see above), 'this' excluded. May be null
  // when the agent did not compute them; a selector for which
  // needs_param_types() is true then does not match.
  const std::vector<std::string>* param_types = nullptr;
  // Number of generic parameters of the method itself (0 if not generic).
  std::uint32_t generic_arity = 0;
};

// A glob over a name that, when the pattern has no backtick, is also tried on
// the name with its "`N" arity suffixes removed.
class NamePattern {
 public:
  NamePattern() = default;
  NamePattern(std::string_view pattern, CaseSensitivity cs);
  bool matches(std::string_view name) const noexcept;
  const std::string& pattern() const { return glob_.pattern(); }
  bool matches_everything() const { return glob_.matches_everything(); }

 private:
  Glob glob_;
  bool also_without_arity_ = false;
};

class Selector {
 public:
  enum class Kind { Pattern, Regex };

  // Parses and validates one selector (leading/trailing whitespace ignored).
  static Result<Selector> parse(std::string_view text);

  // The selector as given (trimmed); this is what reports show.
  const std::string& text() const { return text_; }
  Kind kind() const { return kind_; }
  bool is_regex() const { return kind_ == Kind::Regex; }

  // Cheap pre-filters, in the order the agent walks metadata: once per
  // module, once per TypeDef. Both return true for regex selectors.
  bool matches_assembly(std::string_view assembly_simple_name) const noexcept;
  bool matches_type(std::string_view type_full_name) const noexcept;

  // Per MethodDef. For pattern selectors this checks only the method name,
  // generic arity and parameters: call it after matches_assembly and
  // matches_type accepted the method's module and type. For regex selectors
  // it checks the whole identity.
  bool matches_method(const MethodIdentity& method) const noexcept;

  // All checks at once (assembly, type, method).
  bool matches(const MethodIdentity& method) const noexcept;

  // True if matches_method needs MethodIdentity::param_types.
  bool needs_param_types() const { return is_regex() || params_.has_value(); }

  // Introspection (tests, logs). Empty/absent for regex selectors.
  bool has_assembly_filter() const { return assembly_.has_value(); }
  std::string_view assembly_pattern() const;  // "" when absent
  std::string_view type_pattern() const { return type_.pattern(); }
  std::string_view method_pattern() const { return method_.pattern(); }
  std::optional<std::uint32_t> method_arity() const { return method_arity_; }
  // Canonical parameter patterns; nullopt = any overload.
  std::optional<std::vector<std::string>> param_patterns() const;
  // One-line normalized description, e.g.
  // "assembly=* type=MyApp.* method=Get* params=(int32,string)".
  std::string describe() const;

 private:
  friend class SelectorParser;
  Selector() = default;

  bool matches_params(const std::vector<std::string>* params) const noexcept;
  bool matches_regex(const MethodIdentity& method) const noexcept;

  std::string text_;
  Kind kind_ = Kind::Pattern;
  std::optional<NamePattern> assembly_;
  NamePattern type_;
  NamePattern method_;
  std::optional<std::uint32_t> method_arity_;
  std::optional<std::vector<NamePattern>> params_;
  std::shared_ptr<const std::regex> regex_;
};

// Splits on ';', trims, skips empty entries and parses each. The first bad
// entry fails the whole list; when there are several entries the message
// names it ("selector 2 of 3: ..."). An empty or all-blank text yields an
// empty vector.
Result<std::vector<Selector>> parse_selector_list(std::string_view text);

// The selectors' texts joined with ';' (the CLRPROBE_PROBES value).
std::string join_selector_texts(const std::vector<Selector>& selectors);

// Appends "Assembly!Ns.Type::Method(p1,p2)" to out (the string regex
// selectors are matched against). with_assembly=false omits "Assembly!".
// Without param_types the "(...)" part is omitted.
void format_method_identity(const MethodIdentity& method, std::string& out,
                            bool with_assembly = true);

// Canonicalizes one parameter type pattern as written in a selector
// ("int[]" -> "int32[]", "List<long>" -> "List<int64>"). Exposed for tests
// and for tools that want to show what a selector will compare against.
Result<std::string> canonicalize_param_pattern(std::string_view text);

}  // namespace clrprobe::selector
