#include "watch/watch_event.h"

#include <cstring>

namespace clrprobe::watch {
namespace {

constexpr uint8_t kFormat = 2;              // written
constexpr uint8_t kFormatNoStackError = 1;  // still read

class Writer {
 public:
  explicit Writer(size_t max_string) : max_string_(max_string) {}
  void u8(uint8_t v) { out_.push_back(v); }
  void u32(uint32_t v) { raw(&v, sizeof v); }
  void u64(uint64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void str(const std::string& s) {
    size_t n = std::min(s.size(), max_string_);
    // Never cut a UTF-8 sequence in half.
    while (n > 0 && n < s.size() && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80) --n;
    u32(static_cast<uint32_t>(n));
    raw(s.data(), n);
  }
  void value(const Value& v) {
    u8(static_cast<uint8_t>(v.kind));
    if (v.kind == ValueKind::Absent) return;
    str(v.type);
    u64(static_cast<uint64_t>(v.i));
    u64(v.u);
    f64(v.f);
    str(v.text);
    u64(static_cast<uint64_t>(v.length));
  }
  std::vector<uint8_t>& bytes() { return out_; }

 private:
  void raw(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  std::vector<uint8_t> out_;
  size_t max_string_;
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> in) : in_(in) {}
  bool ok() const { return ok_; }
  uint8_t u8() {
    uint8_t v = 0;
    raw(&v, 1);
    return v;
  }
  uint32_t u32() {
    uint32_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  uint64_t u64() {
    uint64_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  double f64() {
    double v = 0;
    raw(&v, sizeof v);
    return v;
  }
  std::string str() {
    const uint32_t n = u32();
    if (!ok_ || n > in_.size() - at_) {
      ok_ = false;
      return {};
    }
    std::string s(reinterpret_cast<const char*>(in_.data() + at_), n);
    at_ += n;
    return s;
  }
  Value value() {
    Value v;
    const uint8_t kind = u8();
    if (kind > static_cast<uint8_t>(ValueKind::Text)) ok_ = false;
    v.kind = static_cast<ValueKind>(kind);
    if (!ok_ || v.kind == ValueKind::Absent) return v;
    v.type = str();
    v.i = static_cast<int64_t>(u64());
    v.u = u64();
    v.f = f64();
    v.text = str();
    v.length = static_cast<int64_t>(u64());
    return v;
  }
  bool at_end() const { return at_ == in_.size(); }

 private:
  void raw(void* p, size_t n) {
    if (!ok_ || n > in_.size() - at_) {
      ok_ = false;
      return;
    }
    std::memcpy(p, in_.data() + at_, n);
    at_ += n;
  }
  std::span<const uint8_t> in_;
  size_t at_ = 0;
  bool ok_ = true;
};

std::vector<uint8_t> encode_with(const Event& e, size_t max_string, size_t max_frames, const std::string& note) {
  Writer w(max_string);
  w.u8(kFormat);
  w.u64(e.watch_id);
  w.u64(e.time_unix_ns);
  w.u32(e.thread);
  w.str(e.method);
  w.u64(static_cast<uint64_t>(e.latency_ns));
  w.u32(static_cast<uint32_t>(e.args.size()));
  for (const CapturedArgument& a : e.args) {
    w.str(a.name);
    w.value(a.value);
  }
  w.value(e.return_value);
  w.value(e.exception);
  const size_t frames = std::min(e.stack.size(), max_frames);
  w.u32(static_cast<uint32_t>(frames));
  for (size_t i = 0; i < frames; ++i) w.str(e.stack[i]);
  w.str(note);
  w.str(e.stack_error);
  return std::move(w.bytes());
}

}  // namespace

std::vector<uint8_t> encode_event(const Event& event, size_t max_bytes) {
  auto full = encode_with(event, SIZE_MAX, SIZE_MAX, event.note);
  if (full.size() <= max_bytes) return full;
  const std::string shortened = event.note.empty() ? "event shortened to fit the ring" : event.note + "; shortened";
  for (size_t max_string : {size_t{1024}, size_t{256}, size_t{64}, size_t{16}}) {
    for (size_t frames : {size_t{32}, size_t{8}, size_t{0}}) {
      auto bytes = encode_with(event, max_string, frames, shortened);
      if (bytes.size() <= max_bytes) return bytes;
    }
  }
  Event bare;
  bare.watch_id = event.watch_id;
  bare.time_unix_ns = event.time_unix_ns;
  bare.thread = event.thread;
  bare.method = event.method;
  bare.latency_ns = event.latency_ns;
  bare.stack_error = event.stack_error;
  return encode_with(bare, 64, 0, "values dropped: the event does not fit the ring");
}

Result<Event> decode_event(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  const uint8_t format = r.u8();
  if (format != kFormat && format != kFormatNoStackError) {
    return make_error(Reason::InvalidInput, "unknown event format");
  }
  Event e;
  e.watch_id = r.u64();
  e.time_unix_ns = r.u64();
  e.thread = r.u32();
  e.method = r.str();
  e.latency_ns = static_cast<int64_t>(r.u64());
  const uint32_t args = r.u32();
  for (uint32_t i = 0; r.ok() && i < args; ++i) {
    CapturedArgument a;
    a.name = r.str();
    a.value = r.value();
    e.args.push_back(std::move(a));
  }
  e.return_value = r.value();
  e.exception = r.value();
  const uint32_t frames = r.u32();
  for (uint32_t i = 0; r.ok() && i < frames; ++i) e.stack.push_back(r.str());
  e.note = r.str();
  if (format >= kFormat) e.stack_error = r.str();
  if (!r.ok()) return make_error(Reason::Truncated, "event record ends early");
  if (!r.at_end()) return make_error(Reason::InvalidInput, "event record has trailing bytes");
  return e;
}

}  // namespace clrprobe::watch
