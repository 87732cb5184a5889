// Canonicalization of parameter type patterns written in selectors, so that
// C#-style spellings compare equal to the agent's ilasm-style names.
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "selector/chars.h"
#include "selector/selector.h"

namespace clrprobe::selector {
namespace {

struct Alias {
  std::string_view from;
  std::string_view to;
};

// Single words. Multi-word ilasm spellings are merged before this lookup.
constexpr std::array kAliases{
    // C# keywords
    Alias{"sbyte", "int8"},       Alias{"byte", "uint8"},
    Alias{"short", "int16"},      Alias{"ushort", "uint16"},
    Alias{"int", "int32"},        Alias{"uint", "uint32"},
    Alias{"long", "int64"},       Alias{"ulong", "uint64"},
    Alias{"float", "float32"},    Alias{"double", "float64"},
    Alias{"nint", "native int"},  Alias{"nuint", "native uint"},
    Alias{"decimal", "System.Decimal"},
    // BCL names of the primitive element types
    Alias{"System.Boolean", "bool"},    Alias{"System.Char", "char"},
    Alias{"System.SByte", "int8"},      Alias{"System.Byte", "uint8"},
    Alias{"System.Int16", "int16"},     Alias{"System.UInt16", "uint16"},
    Alias{"System.Int32", "int32"},     Alias{"System.UInt32", "uint32"},
    Alias{"System.Int64", "int64"},     Alias{"System.UInt64", "uint64"},
    Alias{"System.Single", "float32"},  Alias{"System.Double", "float64"},
    Alias{"System.IntPtr", "native int"}, Alias{"System.UIntPtr", "native uint"},
    Alias{"System.String", "string"},   Alias{"System.Object", "object"},
    Alias{"System.Void", "void"},       Alias{"System.TypedReference", "typedref"},
};

std::string_view translate_word(std::string_view word) {
  for (const Alias& a : kAliases) {
    if (a.from == word) return a.to;
  }
  return word;
}

enum class TokenKind { Word, Punct };

struct Token {
  TokenKind kind;
  std::string text;
};

Error param_error(std::string_view text, std::string detail) {
  return make_error(Reason::InvalidInput,
                    "parameter type '" + std::string(text) + "': " + std::move(detail));
}

Result<std::vector<Token>> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (is_space(c)) {
      ++i;
    } else if (c == '<' || c == '>' || c == ',' || c == '[' || c == ']' || c == '&') {
      tokens.push_back(Token{TokenKind::Punct, std::string(1, c)});
      ++i;
    } else if (is_param_word_char(c)) {
      std::size_t start = i;
      while (i < text.size() && is_param_word_char(text[i])) ++i;
      tokens.push_back(Token{TokenKind::Word, std::string(text.substr(start, i - start))});
    } else {
      return param_error(text, "invalid character " + describe_char(c));
    }
  }
  return tokens;
}

// Merges ilasm multi-word names, drops class/valuetype prefixes and
// translates aliases. Two words left side by side afterwards are an error.
Result<std::vector<Token>> merge_words(std::string_view text, std::vector<Token> in) {
  std::vector<Token> out;
  auto word_at = [&](std::size_t i, std::string_view w) {
    return i < in.size() && in[i].kind == TokenKind::Word && in[i].text == w;
  };
  auto is_word = [&](std::size_t i) { return i < in.size() && in[i].kind == TokenKind::Word; };
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i].kind == TokenKind::Punct) {
      out.push_back(std::move(in[i]));
      continue;
    }
    if ((word_at(i, "class") || word_at(i, "valuetype")) && is_word(i + 1)) continue;
    std::string word;
    if (word_at(i, "native") && (word_at(i + 1, "int") || word_at(i + 1, "uint"))) {
      word = "native " + in[i + 1].text;
      i += 1;
    } else if (word_at(i, "native") && word_at(i + 1, "unsigned") && word_at(i + 2, "int")) {
      word = "native uint";
      i += 2;
    } else if (word_at(i, "unsigned") &&
               (word_at(i + 1, "int8") || word_at(i + 1, "int16") || word_at(i + 1, "int32") ||
                word_at(i + 1, "int64"))) {
      word = "u" + in[i + 1].text;
      i += 1;
    } else {
      word = std::string(translate_word(in[i].text));
    }
    if (!out.empty() && out.back().kind == TokenKind::Word) {
      return param_error(text, "unexpected '" + word + "' after '" + out.back().text +
                                   "' (separate parameters with ',')");
    }
    out.push_back(Token{TokenKind::Word, std::move(word)});
  }
  return out;
}

// Checks the shape of a type: Name, Name<T,...>, T[], T[,], T&, nested.
Status check_structure(std::string_view text, const std::vector<Token>& tokens) {
  enum class Prev { Start, Word, TypeEnd, OpenAngle, OpenBracket, Comma };
  std::vector<char> open;  // stack of '<' and '['
  Prev prev = Prev::Start;
  auto in_angle = [&] { return !open.empty() && open.back() == '<'; };
  auto in_bracket = [&] { return !open.empty() && open.back() == '['; };
  auto after_type = [&] { return prev == Prev::Word || prev == Prev::TypeEnd; };
  for (const Token& t : tokens) {
    if (t.kind == TokenKind::Word) {
      bool ok = prev == Prev::Start || prev == Prev::OpenAngle || (prev == Prev::Comma && in_angle());
      if (!ok) return param_error(text, "unexpected '" + t.text + "'");
      prev = Prev::Word;
      continue;
    }
    char c = t.text[0];
    bool ok = false;
    switch (c) {
      case '<':
        ok = prev == Prev::Word;
        if (ok) open.push_back('<');
        prev = Prev::OpenAngle;
        break;
      case '[':
        ok = after_type();
        if (ok) open.push_back('[');
        prev = Prev::OpenBracket;
        break;
      case '&':
        ok = after_type();
        prev = Prev::TypeEnd;
        break;
      case ',':
        ok = (in_angle() && after_type()) ||
             (in_bracket() && (prev == Prev::OpenBracket || prev == Prev::Comma));
        prev = Prev::Comma;
        break;
      case '>':
        ok = in_angle() && after_type();
        if (ok) open.pop_back();
        prev = Prev::TypeEnd;
        break;
      case ']':
        ok = in_bracket() && (prev == Prev::OpenBracket || prev == Prev::Comma);
        if (ok) open.pop_back();
        prev = Prev::TypeEnd;
        break;
      default:
        break;
    }
    if (!ok) {
      if ((c == '>' || c == ']') && open.empty()) {
        return param_error(text, std::string("unbalanced '") + c + "'");
      }
      return param_error(text, std::string("unexpected '") + c + "'");
    }
  }
  if (!open.empty()) {
    return param_error(text, std::string("unbalanced '") + open.back() + "'");
  }
  if (!after_type()) return param_error(text, "incomplete type");
  return {};
}

}  // namespace

Result<std::string> canonicalize_param_pattern(std::string_view text) {
  text = trim(text);
  if (text.empty()) return param_error(text, "empty");
  auto tokens = tokenize(text);
  if (!tokens) return tokens.error();
  auto merged = merge_words(text, std::move(tokens.value()));
  if (!merged) return merged.error();
  if (auto st = check_structure(text, merged.value()); !st) return st.error();
  std::string out;
  for (const Token& t : merged.value()) out += t.text;
  return out;
}

}  // namespace clrprobe::selector
