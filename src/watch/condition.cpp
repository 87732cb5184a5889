#include "watch/condition.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

namespace clrprobe::watch {
namespace {

using Kind = ConditionNode::Kind;

struct Token {
  enum class Type : uint8_t { End, Number, Duration, String, Identifier, Op, LParen, RParen };
  Type type = Type::End;
  std::string text;  // identifier, string contents, operator spelling
  Value number;      // Number / Duration
  uint32_t column = 0;
};

Error error_at(uint32_t column, const std::string& message) {
  return make_error(Reason::InvalidInput, "column " + std::to_string(column) + ": " + message);
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    while (true) {
      while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      Token t;
      t.column = static_cast<uint32_t>(pos_ + 1);
      if (pos_ >= text_.size()) {
        out.push_back(t);
        return out;
      }
      const char c = text_[pos_];
      if (c == '(' || c == ')') {
        t.type = c == '(' ? Token::Type::LParen : Token::Type::RParen;
        ++pos_;
      } else if (c == '"' || c == '\'') {
        auto s = string_literal(c, t.column);
        if (!s) return s.error();
        t.type = Token::Type::String;
        t.text = std::move(*s);
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '-' && pos_ + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
        if (Status s = number(&t); !s) return s.error();
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t end = pos_;
        while (end < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_')) ++end;
        t.type = Token::Type::Identifier;
        t.text = std::string(text_.substr(pos_, end - pos_));
        pos_ = end;
      } else if (auto op = operator_at(); !op.empty()) {
        t.type = Token::Type::Op;
        t.text = std::string(op);
        pos_ += op.size();
      } else {
        return error_at(t.column, std::string("unexpected character '") + c + "'");
      }
      out.push_back(std::move(t));
    }
  }

 private:
  std::string_view operator_at() const {
    static constexpr std::string_view kOps[] = {"==", "!=", "<=", ">=", "&&", "||", "<", ">", "!"};
    for (std::string_view op : kOps) {
      if (text_.substr(pos_, op.size()) == op) return op;
    }
    return {};
  }

  Result<std::string> string_literal(char quote, uint32_t column) {
    std::string s;
    ++pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == quote) return s;
      if (c == '\\') {
        if (pos_ >= text_.size()) break;
        char e = text_[pos_++];
        if (e != '"' && e != '\'' && e != '\\') {
          return error_at(static_cast<uint32_t>(pos_ - 1), std::string("unknown escape '\\") + e + "' in a string");
        }
        s.push_back(e);
        continue;
      }
      s.push_back(c);
    }
    return error_at(column, "string is not closed");
  }

  Status number(Token* t) {
    size_t end = pos_;
    if (text_[end] == '-') ++end;
    bool fraction = false;
    while (end < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[end])) || text_[end] == '.')) {
      if (text_[end] == '.') {
        if (fraction) return error_at(static_cast<uint32_t>(end + 1), "a number has two decimal points");
        fraction = true;
      }
      ++end;
    }
    const std::string digits(text_.substr(pos_, end - pos_));
    if (digits.back() == '.') return error_at(t->column, "a number ends with '.'");
    size_t unit_end = end;
    while (unit_end < text_.size() && std::isalpha(static_cast<unsigned char>(text_[unit_end]))) ++unit_end;
    const std::string_view unit = text_.substr(end, unit_end - end);
    double scale = 0;
    if (unit == "ns")
      scale = 1;
    else if (unit == "us")
      scale = 1e3;
    else if (unit == "ms")
      scale = 1e6;
    else if (unit == "s")
      scale = 1e9;
    else if (!unit.empty()) {
      return error_at(static_cast<uint32_t>(end + 1),
                      "unknown unit '" + std::string(unit) + "' (durations use ns, us, ms or s)");
    }
    if (scale != 0) {
      const double ns = std::strtod(digits.c_str(), nullptr) * scale;
      if (!std::isfinite(ns) || std::fabs(ns) > 9.2e18) return error_at(t->column, "duration out of range");
      t->type = Token::Type::Duration;
      t->number = Value::integer(static_cast<int64_t>(std::llround(ns)), "duration");
    } else if (fraction) {
      t->type = Token::Type::Number;
      t->number = Value::floating(std::strtod(digits.c_str(), nullptr));
    } else {
      int64_t n = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec != std::errc() || p != digits.data() + digits.size()) {
        uint64_t u = 0;
        auto [pu, ecu] = std::from_chars(digits.data(), digits.data() + digits.size(), u);
        if (ecu != std::errc() || pu != digits.data() + digits.size())
          return error_at(t->column, "number out of range");
        t->number = Value::unsigned_integer(u);
      } else {
        t->number = Value::integer(n);
      }
      t->type = Token::Type::Number;
    }
    pos_ = unit_end;
    return {};
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool is_arg_name(const std::string& id, uint32_t* index) {
  if (id.size() < 4 || id.compare(0, 3, "arg") != 0) return false;
  uint32_t n = 0;
  auto [p, ec] = std::from_chars(id.data() + 3, id.data() + id.size(), n);
  if (ec != std::errc() || p != id.data() + id.size()) return false;
  *index = n;
  return true;
}

std::string describe(const Token& t) {
  switch (t.type) {
    case Token::Type::End:
      return "the end";
    case Token::Type::LParen:
      return "'('";
    case Token::Type::RParen:
      return "')'";
    case Token::Type::String:
      return "a string";
    case Token::Type::Number:
    case Token::Type::Duration:
      return "a number";
    default:
      return "'" + t.text + "'";
  }
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, std::vector<ConditionNode>* nodes) : tokens_(std::move(tokens)), nodes_(*nodes) {}

  Result<uint32_t> parse() {
    auto root = parse_or(0);
    if (!root) return root;
    if (peek().type != Token::Type::End) {
      return error_at(peek().column, "expected '&&', '||' or the end, found " + describe(peek()));
    }
    return root;
  }

 private:
  static constexpr int kMaxDepth = 64;

  const Token& peek() const { return tokens_[at_]; }
  bool is_op(std::string_view op) const { return peek().type == Token::Type::Op && peek().text == op; }

  uint32_t add(ConditionNode n) {
    nodes_.push_back(std::move(n));
    return static_cast<uint32_t>(nodes_.size() - 1);
  }

  Result<uint32_t> parse_or(int depth) {
    if (depth > kMaxDepth) return error_at(peek().column, "expression nested too deeply");
    auto left = parse_and(depth);
    if (!left) return left;
    uint32_t l = *left;
    while (is_op("||")) {
      const uint32_t column = peek().column;
      ++at_;
      auto right = parse_and(depth);
      if (!right) return right;
      l = add(ConditionNode{Kind::Or, CompareOp::Eq, l, *right, 0, {}, {}, column});
    }
    return l;
  }

  Result<uint32_t> parse_and(int depth) {
    auto left = parse_unary(depth);
    if (!left) return left;
    uint32_t l = *left;
    while (is_op("&&")) {
      const uint32_t column = peek().column;
      ++at_;
      auto right = parse_unary(depth);
      if (!right) return right;
      l = add(ConditionNode{Kind::And, CompareOp::Eq, l, *right, 0, {}, {}, column});
    }
    return l;
  }

  Result<uint32_t> parse_unary(int depth) {
    if (is_op("!")) {
      const uint32_t column = peek().column;
      ++at_;
      if (depth > kMaxDepth) return error_at(column, "expression nested too deeply");
      auto operand = parse_unary(depth + 1);
      if (!operand) return operand;
      return add(ConditionNode{Kind::Not, CompareOp::Eq, *operand, 0, 0, {}, {}, column});
    }
    return parse_compare(depth);
  }

  static std::optional<CompareOp> compare_op(const Token& t) {
    if (t.type != Token::Type::Op) return std::nullopt;
    if (t.text == "==") return CompareOp::Eq;
    if (t.text == "!=") return CompareOp::Ne;
    if (t.text == "<") return CompareOp::Lt;
    if (t.text == "<=") return CompareOp::Le;
    if (t.text == ">") return CompareOp::Gt;
    if (t.text == ">=") return CompareOp::Ge;
    return std::nullopt;
  }

  Result<uint32_t> parse_compare(int depth) {
    auto left = parse_operand(depth);
    if (!left) return left;
    auto op = compare_op(peek());
    if (!op) return left;
    const Token op_token = peek();
    ++at_;
    auto right = parse_operand(depth);
    if (!right) return right;
    if (Status s = check_comparison(*left, *op, *right, op_token); !s) return s.error();
    return add(ConditionNode{Kind::Compare, *op, *left, *right, 0, {}, {}, op_token.column});
  }

  // What can be refused without the method: comparisons that could never be
  // meaningful whatever the captured values.
  Status check_comparison(uint32_t left, CompareOp op, uint32_t right, const Token& op_token) const {
    const ConditionNode& l = nodes_[left];
    const ConditionNode& r = nodes_[right];
    const bool ordering = op != CompareOp::Eq && op != CompareOp::Ne;
    for (const auto* pair : {&l, &r}) {
      const ConditionNode& self = *pair;
      const ConditionNode& other = pair == &l ? r : l;
      if (self.kind == Kind::Or || self.kind == Kind::And || self.kind == Kind::Not || self.kind == Kind::Compare) {
        return error_at(op_token.column, "'" + op_token.text + "' compares values, not conditions (use && or ||)");
      }
      if (self.kind == Kind::Exception) {
        if (ordering) return error_at(op_token.column, "exception can only be compared with == or !=");
        const bool string_or_null = other.kind == Kind::Literal &&
                                    (other.literal.kind == ValueKind::String || other.literal.kind == ValueKind::Null);
        if (!string_or_null) {
          return error_at(other.column, "exception is compared with a type name in quotes, or null");
        }
      }
      if (self.kind == Kind::Latency && other.kind == Kind::Literal) {
        const Value& v = other.literal;
        const bool zero = (v.kind == ValueKind::Int && v.i == 0) || (v.kind == ValueKind::Float && v.f == 0);
        if (v.type != "duration" && !zero) {
          return error_at(other.column, "latency is compared with a duration such as 50ms (units ns, us, ms, s)");
        }
      }
    }
    return {};
  }

  Result<uint32_t> parse_operand(int depth) {
    const Token t = peek();
    ConditionNode n;
    n.column = t.column;
    switch (t.type) {
      case Token::Type::LParen: {
        ++at_;
        auto inner = parse_or(depth + 1);
        if (!inner) return inner;
        if (peek().type != Token::Type::RParen) {
          return error_at(peek().column, "expected ')' to close the '(' at column " + std::to_string(t.column) +
                                             ", found " + describe(peek()));
        }
        ++at_;
        return inner;
      }
      case Token::Type::Number:
      case Token::Type::Duration:
        n.kind = Kind::Literal;
        n.literal = t.number;
        break;
      case Token::Type::String:
        n.kind = Kind::Literal;
        n.literal = Value::string(t.text);
        break;
      case Token::Type::Identifier:
        if (t.text == "true" || t.text == "false") {
          n.kind = Kind::Literal;
          n.literal = Value::boolean(t.text == "true");
        } else if (t.text == "null") {
          n.kind = Kind::Literal;
          n.literal = Value::null();
        } else if (t.text == "latency") {
          n.kind = Kind::Latency;
        } else if (t.text == "return") {
          n.kind = Kind::Return;
        } else if (t.text == "exception") {
          n.kind = Kind::Exception;
        } else if (uint32_t index = 0; is_arg_name(t.text, &index)) {
          n.kind = Kind::Arg;
          n.arg = index;
          n.name = t.text;
        } else {
          n.kind = Kind::Name;
          n.name = t.text;
        }
        break;
      default:
        return error_at(t.column,
                        "expected a value (latency, return, exception, argN, a parameter name or a "
                        "literal), found " +
                            describe(t));
    }
    ++at_;
    return add(std::move(n));
  }

  std::vector<Token> tokens_;
  std::vector<ConditionNode>& nodes_;
  size_t at_ = 0;
};

// ---- evaluation -------------------------------------------------------

// The result for values that cannot be compared: unequal.
bool incomparable(CompareOp op) { return op == CompareOp::Ne; }

bool compare_numbers(const Value& a, const Value& b, CompareOp op) {
  return compare_numbers(Number::of(a), Number::of(b), op);
}

// The simple name of "Ns.Outer+Inner": "Inner".
std::string_view simple_name(std::string_view type) {
  size_t cut = type.find_last_of(".+");
  return cut == std::string_view::npos ? type : type.substr(cut + 1);
}

bool compare_values(const Value& a, const Value& b, CompareOp op) {
  if (a.kind == ValueKind::Absent || b.kind == ValueKind::Absent) return incomparable(op);
  if (a.kind == ValueKind::Null || b.kind == ValueKind::Null) {
    const bool both = a.kind == b.kind;
    if (op == CompareOp::Eq) return both;
    if (op == CompareOp::Ne) return !both;
    return false;
  }
  // Enums compare by value with numbers and by member name with strings.
  const bool a_number = a.is_number(), b_number = b.is_number();
  if (a_number && b_number) return compare_numbers(a, b, op);
  const Value& str = b.kind == ValueKind::String ? b : a;
  const Value& other = b.kind == ValueKind::String ? a : b;
  const bool flipped = b.kind != ValueKind::String;
  auto strings = [&](std::string_view x) {  // compares `other` rendered as x with the string, in written order
    return flipped ? ordered<std::string_view>(str.text, x, op) : ordered<std::string_view>(x, str.text, op);
  };
  if (str.kind == ValueKind::String) {
    switch (other.kind) {
      case ValueKind::String:
        return ordered<std::string_view>(a.text, b.text, op);
      case ValueKind::Int:
      case ValueKind::UInt:
        if (!other.text.empty()) return strings(other.text);  // enum member
        return incomparable(op);
      case ValueKind::Char:
      case ValueKind::Text:
        return strings(other.text);
      case ValueKind::Object:
        if (op == CompareOp::Eq) return other.type == str.text;
        if (op == CompareOp::Ne) return other.type != str.text;
        return false;
      default:
        return incomparable(op);
    }
  }
  if (a.kind == ValueKind::Bool && b.kind == ValueKind::Bool) {
    if (op == CompareOp::Eq) return a.i == b.i;
    if (op == CompareOp::Ne) return a.i != b.i;
    return false;
  }
  if (a.kind == ValueKind::Char || b.kind == ValueKind::Char) {
    const Value& ch = a.kind == ValueKind::Char ? a : b;
    const Value& num = a.kind == ValueKind::Char ? b : a;
    if (num.kind == ValueKind::Char || num.kind == ValueKind::Int || num.kind == ValueKind::UInt) {
      Value code = Value::integer(ch.i);
      return a.kind == ValueKind::Char
                 ? compare_numbers(code, num.kind == ValueKind::Char ? Value::integer(num.i) : num, op)
                 : compare_numbers(num, code, op);
    }
  }
  return incomparable(op);
}

class Evaluator {
 public:
  Evaluator(const std::vector<ConditionNode>& nodes, const CallFacts& facts) : nodes_(nodes), facts_(facts) {}

  bool truth(uint32_t index) const {
    const ConditionNode& n = nodes_[index];
    switch (n.kind) {
      case Kind::Or:
        return truth(n.left) || truth(n.right);
      case Kind::And:
        return truth(n.left) && truth(n.right);
      case Kind::Not:
        return !truth(n.left);
      case Kind::Compare:
        return compare(n);
      case Kind::Exception:
        return escaped();
      case Kind::Latency:
        return facts_.latency_ns != 0;
      default:
        return truthy(value(index));
    }
  }

 private:
  bool escaped() const { return facts_.exception != nullptr && facts_.exception->kind != ValueKind::Absent; }

  static bool truthy(const Value& v) {
    switch (v.kind) {
      case ValueKind::Bool:
      case ValueKind::Int:
      case ValueKind::Char:
        return v.i != 0;
      case ValueKind::UInt:
        return v.u != 0;
      case ValueKind::Float:
        return v.f != 0;
      case ValueKind::String:
        return !v.text.empty();
      case ValueKind::Object:
      case ValueKind::Text:
        return true;
      default:
        return false;
    }
  }

  // A reference, not a copy: a Value owns two strings, and this runs on every
  // call of a watched method whose condition decides.
  const Value& value(uint32_t index) const {
    static const Value absent;
    const ConditionNode& n = nodes_[index];
    switch (n.kind) {
      case Kind::Literal:
        return n.literal;
      case Kind::Latency:
        if (!latency_) latency_ = Value::integer(facts_.latency_ns, "duration");
        return *latency_;
      case Kind::Return:
        return facts_.return_value ? *facts_.return_value : absent;
      case Kind::Arg:
        return n.arg < facts_.args.size() ? facts_.args[n.arg] : absent;
      case Kind::Exception:
        return facts_.exception ? *facts_.exception : absent;
      default:
        return absent;  // unbound names
    }
  }

  bool compare(const ConditionNode& n) const {
    const ConditionNode& l = nodes_[n.left];
    const ConditionNode& r = nodes_[n.right];
    if (l.kind == Kind::Exception || r.kind == Kind::Exception) {
      const Value& literal = l.kind == Kind::Exception ? r.literal : l.literal;
      bool equal = false;
      if (literal.kind == ValueKind::Null) {
        equal = !escaped();
      } else if (escaped()) {
        const std::string& type = facts_.exception->type;
        equal = type == literal.text ||
                (literal.text.find_first_of(".+") == std::string::npos && simple_name(type) == literal.text);
      }
      return n.op == CompareOp::Eq ? equal : !equal;
    }
    return compare_values(value(n.left), value(n.right), n.op);
  }

  const std::vector<ConditionNode>& nodes_;
  const CallFacts& facts_;
  mutable std::optional<Value> latency_;  // made at its first use
};

}  // namespace

Condition::Condition() : text_("true") {
  ConditionNode always;
  always.kind = Kind::Literal;
  always.literal = Value::boolean(true);
  always.column = 1;
  nodes_.push_back(std::move(always));
}

std::vector<std::string> Condition::names() const {
  std::vector<std::string> out;
  for (const ConditionNode& n : nodes_) {
    if (n.kind == Kind::Name && std::find(out.begin(), out.end(), n.name) == out.end()) out.push_back(n.name);
  }
  return out;
}

ConditionUses Condition::uses() const {
  ConditionUses uses;
  for (const ConditionNode& n : nodes_) {
    if (n.kind == Kind::Latency) uses.latency = true;
    if (n.kind == Kind::Return) uses.return_value = true;
    if (n.kind == Kind::Exception) uses.exception = true;
    if (n.kind == Kind::Arg) uses.args.push_back(n.arg);
  }
  std::sort(uses.args.begin(), uses.args.end());
  uses.args.erase(std::unique(uses.args.begin(), uses.args.end()), uses.args.end());
  return uses;
}

Result<Condition> parse_condition(std::string_view text) {
  const bool blank =
      std::all_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  if (blank) return make_error(Reason::InvalidInput, "column 1: the condition is empty");
  auto tokens = Lexer(text).run();
  if (!tokens) return tokens.error();
  Condition c;
  c.nodes_.clear();
  c.text_ = std::string(text);
  Parser parser(std::move(tokens.value()), &c.nodes_);
  auto root = parser.parse();
  if (!root) return root.error();
  c.root_ = *root;
  return c;
}

Result<Condition> bind_condition(const Condition& condition, std::span<const std::string> parameter_names) {
  Condition bound = condition;
  auto listing = [&] {
    if (parameter_names.empty()) return std::string("the method has no parameters");
    std::string s = "parameters:";
    for (size_t i = 0; i < parameter_names.size(); ++i) {
      s += (i ? ", " : " ") + parameter_names[i] + " (arg" + std::to_string(i) + ")";
    }
    return s;
  };
  for (ConditionNode& n : bound.nodes_) {
    if (n.kind == Kind::Arg && n.arg >= parameter_names.size()) {
      return make_error(Reason::NotFound,
                        "column " + std::to_string(n.column) + ": no argument " + n.name + "; " + listing());
    }
    if (n.kind != Kind::Name) continue;
    auto it = std::find(parameter_names.begin(), parameter_names.end(), n.name);
    if (it == parameter_names.end()) {
      return make_error(Reason::NotFound, "column " + std::to_string(n.column) + ": unknown argument name '" + n.name +
                                              "'; " + listing());
    }
    n.kind = Kind::Arg;
    n.arg = static_cast<uint32_t>(it - parameter_names.begin());
  }
  bound.bound_ = true;
  return bound;
}

Number Number::of(const Value& v) { return Number{v.kind, v.i, v.u, v.f}; }

bool evaluate(const Condition& condition, const CallFacts& facts) {
  return Evaluator(condition.nodes(), facts).truth(condition.root());
}

}  // namespace clrprobe::watch
