// Real method bodies compiled by Roslyn (.NET 10 SDK): embedded vectors from a
// small C# sample (real_bodies_data.h), and optionally a large corpus of
// framework bodies: set IL_TEST_CORPUS to a file written by the dumper (see
// real_bodies_corpus.md in this folder).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "il/method_body.h"
#include "il/rewriter.h"
#include "il/signature.h"
#include "il/verifier.h"
#include "real_bodies_data.h"
#include "test_sigs.h"

namespace clrprobe::il {
namespace {

bool returns_value(const std::vector<uint8_t>& sig) {
  auto parsed = parse_method_sig(sig);
  return parsed.ok() && !parsed->ret.is_void();
}

TEST(RealBodies, EmbeddedSetCoversTheInterestingShapes) {
  const auto& bodies = test::real_bodies();
  ASSERT_GE(bodies.size(), 20u);
  bool fat = false, tiny = false, eh = false, filter = false, sw = false;
  for (const auto& rb : bodies) {
    auto body = decode_method_body(rb.body);
    ASSERT_TRUE(body.ok()) << rb.name << ": " << body.error().describe();
    fat |= body->header_kind == HeaderKind::Fat;
    tiny |= body->header_kind == HeaderKind::Tiny;
    for (const auto& c : body->eh_clauses()) {
      eh = true;
      filter |= c.kind() == EhClauseKind::Filter;
    }
    for (const auto& ins : body->instructions) sw |= ins.opcode == Opcode::Switch;
  }
  EXPECT_TRUE(fat && tiny && eh && filter && sw);
}

TEST(RealBodies, EmbeddedRoundTripVerifyAndRewrite) {
  for (const auto& rb : test::real_bodies()) {
    SCOPED_TRACE(rb.name);
    auto body = decode_method_body(rb.body);
    ASSERT_TRUE(body.ok()) << body.error().describe();
    auto encoded = encode_method_body(*body);
    ASSERT_TRUE(encoded.ok()) << encoded.error().describe();
    EXPECT_EQ(*encoded, rb.body);

    VerifyOptions options;
    options.returns_value = returns_value(rb.method_sig);
    auto report = verify(*body, options);
    ASSERT_TRUE(report.ok()) << report.error().describe();

    ASSERT_TRUE(parse_method_sig(rb.method_sig).ok());
    if (!rb.locals_sig.empty()) {
      ASSERT_TRUE(parse_locals_sig(rb.locals_sig).ok());
    }

    test::LocalsRecorder rec;
    RewriteInput in;
    in.body = rb.body;
    in.method_sig = rb.method_sig;
    in.locals_sig = rb.locals_sig;
    in.hooks = test::test_hooks();
    auto rw = rewrite_with_probe(in, rec.provider());
    ASSERT_TRUE(rw.ok()) << rw.error().describe();
    auto again = decode_method_body(rw->body);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->eh_clauses().size(), body->eh_clauses().size() + 1);
    auto locals = parse_locals_sig(rw->locals_sig);
    ASSERT_TRUE(locals.ok());
    const size_t before = rb.locals_sig.empty() ? 0 : parse_locals_sig(rb.locals_sig)->locals.size();
    EXPECT_EQ(locals->locals.size(), before + (options.returns_value.value() ? 2 : 1));
  }
}

// ---- optional large corpus -------------------------------------------------

class CorpusReader {
 public:
  explicit CorpusReader(const std::string& path) : in_(path, std::ios::binary) {}
  bool ok() const { return static_cast<bool>(in_); }
  bool u32(uint32_t* v) { return static_cast<bool>(in_.read(reinterpret_cast<char*>(v), 4)); }
  bool blob(std::vector<uint8_t>* b) {
    uint32_t n = 0;
    if (!u32(&n) || n > (64u << 20)) return false;
    b->resize(n);
    return n == 0 || static_cast<bool>(in_.read(reinterpret_cast<char*>(b->data()), n));
  }
  bool text(std::string* s) {
    std::vector<uint8_t> b;
    if (!blob(&b)) return false;
    s->assign(b.begin(), b.end());
    return true;
  }

 private:
  std::ifstream in_;
};

TEST(RealBodies, Corpus) {
  const char* path = std::getenv("IL_TEST_CORPUS");
  // ctest sets it to the corpus the build dumps from the shared framework (CMakeLists.txt).
  if (path == nullptr || *path == '\0') GTEST_SKIP() << "set IL_TEST_CORPUS to run the large corpus";
  CorpusReader r(path);
  uint32_t magic = 0;
  ASSERT_TRUE(r.ok() && r.u32(&magic) && magic == 0x50524F43);

  size_t total = 0, rewritten = 0, fully_known = 0, failures = 0, watched_ok = 0, plain_copies = 0;
  std::map<std::string, size_t> refusals;
  std::string assembly;
  while (r.text(&assembly)) {
    uint32_t sig_count = 0;
    ASSERT_TRUE(r.u32(&sig_count));
    std::map<uint32_t, MethodSig> call_sigs;
    std::vector<std::vector<uint8_t>> sig_storage(sig_count);
    for (uint32_t i = 0; i < sig_count; ++i) {
      uint32_t token = 0;
      ASSERT_TRUE(r.u32(&token) && r.blob(&sig_storage[i]));
      auto sig = parse_method_sig(sig_storage[i]);
      EXPECT_TRUE(sig.ok()) << assembly << " token " << token << ": " << sig.error().describe();
      if (sig.ok()) call_sigs.emplace(token, std::move(sig.value()));
    }
    const StackEffectResolver resolver = [&](uint32_t token, Opcode op) -> std::optional<StackEffect> {
      auto it = call_sigs.find(token);
      if (it == call_sigs.end()) return std::nullopt;
      return stack_effect_for_call(it->second, op);
    };
    uint32_t method_count = 0;
    ASSERT_TRUE(r.u32(&method_count));
    for (uint32_t m = 0; m < method_count; ++m) {
      std::string name;
      std::vector<uint8_t> bytes, method_sig, locals_sig;
      ASSERT_TRUE(r.text(&name) && r.blob(&bytes) && r.blob(&method_sig) && r.blob(&locals_sig));
      ++total;
      const auto report_failure = [&](const std::string& what) {
        if (++failures <= 30) ADD_FAILURE() << assembly << " " << name << ": " << what;
      };
      auto body = decode_method_body(bytes);
      if (!body.ok()) { report_failure(body.error().describe()); continue; }
      auto encoded = encode_method_body(*body);
      if (!encoded.ok() || *encoded != bytes) { report_failure("round trip differs"); continue; }
      if (!locals_sig.empty() && !parse_locals_sig(locals_sig).ok()) {
        report_failure("locals sig: " + parse_locals_sig(locals_sig).error().describe());
        continue;
      }
      VerifyOptions options;
      options.stack_effects = resolver;
      options.returns_value = returns_value(method_sig);
      auto report = verify(*body, options);
      if (!report.ok()) { report_failure("verify: " + report.error().describe()); continue; }
      if (report->stack_fully_known()) ++fully_known;

      test::LocalsRecorder rec;
      RewriteInput in;
      in.body = bytes;
      in.method_sig = method_sig;
      in.locals_sig = locals_sig;
      in.hooks = test::test_hooks();
      in.stack_effects = resolver;
      auto rw = rewrite_with_probe(in, rec.provider());
      if (rw.ok()) {
        ++rewritten;
      } else if (rw.error().reason == Reason::UnsupportedTailCall ||
                 rw.error().reason == Reason::UnsupportedJmp) {
        ++refusals[std::string(reason_name(rw.error().reason))];
      } else {
        report_failure("rewrite: " + rw.error().describe());
      }
      if (!rw.ok()) continue;
      // The arm-guarded shape the agent installs (with its plain copy for
      // bodies up to kMaxPlainCopyCodeSize, rewriter.h).
      in.hooks.arm_flag = 0x7777777777777777ull;
      auto guarded = rewrite_with_probe(in, rec.provider());
      if (guarded.ok()) {
        plain_copies += guarded->stats.plain_copy ? 1 : 0;
      } else {
        report_failure("guarded rewrite: " + guarded.error().describe());
      }
      in.hooks.arm_flag = 0;
      // The watch additions (il/watch_shape.h) on every parameter, as `clrprobe watch` asks.
      auto sig = parse_method_sig(method_sig);
      WatchHooks watch;
      watch.leave_fn = 0x5555555555555555ull;
      watch.exception_fn = 0x6666666666666666ull;
      watch.sig_token = 0x11000020;
      for (size_t i = 0; sig.ok() && i < sig->params.size() && i < kMaxWatchArgs; ++i) {
        watch.args.push_back(static_cast<uint16_t>(i));
      }
      in.watch = &watch;
      auto watched = rewrite_with_probe(in, rec.provider());
      if (watched.ok()) {
        ++watched_ok;
      } else if (watched.error().reason == Reason::InvalidInput &&
                 (watched.error().message.find("vararg") != std::string::npos ||
                  watched.error().message.find("typedref") != std::string::npos)) {
        ++refusals["watch: " + watched.error().message];
      } else {
        report_failure("watch rewrite: " + watched.error().describe());
      }
    }
  }
  std::printf(
      "corpus: %zu bodies, %zu rewritten (%zu with a plain copy when guarded), %zu with fully known stack "
      "depth, %zu watched\n",
      total, rewritten, plain_copies, fully_known, watched_ok);
  for (const auto& [reason, n] : refusals) std::printf("  refused %s: %zu\n", reason.c_str(), n);
  EXPECT_EQ(failures, 0u);
  EXPECT_GT(total, 0u);
}

}  // namespace
}  // namespace clrprobe::il
