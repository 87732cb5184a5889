// Writes the seed corpora of the fuzz targets into <dir>/<target>/ (the
// committed copies live in fuzz/corpus/; regenerate with
// `fuzz/run.sh --seeds`). Sources: the real Roslyn-compiled bodies and
// signatures of tests/unit/il/real_bodies_data.h, plus hand-written
// selectors and control frames covering the documented forms.
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "control/frame.h"
#include "real_bodies_data.h"

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

namespace {

class SeedDir {
 public:
  SeedDir(const fs::path& root, const std::string& target) : dir_(root / target) {
    fs::create_directories(dir_);
  }
  void add(const std::string& label, const Bytes& bytes) {
    char prefix[8];
    std::snprintf(prefix, sizeof prefix, "%03d-", count_++);
    std::string name = prefix;
    for (char c : label) name += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    std::ofstream(dir_ / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  void add(const std::string& label, std::string_view text) { add(label, Bytes(text.begin(), text.end())); }
  int count() const { return count_; }

 private:
  fs::path dir_;
  int count_ = 0;
};

std::string short_name(const char* full) {
  std::string_view n(full);
  if (auto at = n.find("::"); at != std::string_view::npos) n.remove_prefix(at + 2);
  return std::string(n);
}

// rewrite_fuzz layout: [flags][n][method_sig][m][locals_sig][body].
Bytes rewrite_input(uint8_t flags, const Bytes& msig, const Bytes& lsig, const Bytes& body) {
  Bytes out{flags, static_cast<uint8_t>(msig.size())};
  out.insert(out.end(), msig.begin(), msig.end());
  out.push_back(static_cast<uint8_t>(lsig.size()));
  out.insert(out.end(), lsig.begin(), lsig.end());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

void il_seeds(const fs::path& root) {
  SeedDir bodies(root, "il_body_fuzz"), sigs(root, "signature_fuzz"), rewrite(root, "rewrite_fuzz");
  int i = 0;
  for (const auto& rb : clrprobe::il::test::real_bodies()) {
    const std::string name = short_name(rb.name);
    bodies.add(name, rb.body);
    sigs.add(name + "_sig", rb.method_sig);
    if (!rb.locals_sig.empty()) sigs.add(name + "_locals", rb.locals_sig);
    rewrite.add(name, rewrite_input(0, rb.method_sig, rb.locals_sig, rb.body));
    // A few with the token-derived stack resolver / a small code limit.
    if (i % 4 == 1) rewrite.add(name + "_resolver", rewrite_input(1, rb.method_sig, rb.locals_sig, rb.body));
    if (i % 8 == 2) rewrite.add(name + "_small", rewrite_input(2, rb.method_sig, rb.locals_sig, rb.body));
    ++i;
  }
  // Hand-built shapes: tiny `ret`, fat header with a small EH section.
  bodies.add("tiny_ret", Bytes{0x06, 0x2A});
  bodies.add("tiny_ldarg_ret", Bytes{0x0A, 0x02, 0x2A});
  // Compressed integers of each width, a TypeDefOrRef token, nested types.
  sigs.add("compressed_1", Bytes{0x7F});
  sigs.add("compressed_2", Bytes{0xBF, 0xFF});
  sigs.add("compressed_4", Bytes{0xDF, 0xFF, 0xFF, 0xFF});
  sigs.add("array_shape", Bytes{0x00, 0x01, 0x01, 0x14, 0x08, 0x02, 0x01, 0x05, 0x01, 0x7F});
  sigs.add("fnptr", Bytes{0x00, 0x01, 0x01, 0x1B, 0x00, 0x01, 0x08, 0x0E});
  sigs.add("vararg", Bytes{0x05, 0x02, 0x01, 0x08, 0x41, 0x0E});
  sigs.add("modreq_byref", Bytes{0x00, 0x00, 0x1F, 0x09, 0x10, 0x08});
  rewrite.add("tiny_void", rewrite_input(0, Bytes{0x00, 0x00, 0x01}, {}, Bytes{0x06, 0x2A}));
}

void selector_seeds(const fs::path& root) {
  SeedDir dir(root, "selector_fuzz");
  const char* selectors[] = {
      "MyApp.Orders.Store::GetById",
      "MyApp!MyApp.*::Get*",
      "MyApp.dll!MyApp.Orders.Store::GetById(int32,System.Collections.Generic.List`1<string>)",
      "MyApp.Orders.Store::GetById()",
      "MyApp.Orders.Store::GetById(*,*)",
      "MyApp.Orders.Store::GetById(int, string)",
      "*::GetById(!0,!!0,int[,],uint16*)",
      "*::GetById(System.Collections.Generic.Dictionary<string,System.Collections.Generic.List<long>>)",
      "*::GetById(int,byte[],nint,double&,decimal,char)",
      "*::GetById(native int,native unsigned int,unsigned int32,class System.Object,valuetype X.Y)",
      "MyApp.Outer+<>c::<Run>b__*",
      "*Dictionary+Enumerator::MoveNext",
      "MyApp.Mapper::Convert<2>",
      "MyApp.Mapper::Convert`2",
      "A.B::.ctor",
      "A.B::System.IDisposable.Dispose",
      "<Module>::Init",
      "re:^MyApp!.*::Get.*\\(int32\\)$",
      "re:Store::(Get|Set)[A-Z]\\w+",
      "A.B::C;D!E::F(int);re:X",
      " A.B::C ;; ;D!E::F(int) ;",
      "A.B::C(List<int)",
      "A.B::Convert<TIn>",
      "A..B::C",
  };
  for (const char* s : selectors) dir.add(s, std::string_view(s));
  // With an identity to match (lines: assembly, type, method, params).
  dir.add("with_identity", std::string_view("MyApp.*::Get*(int32,*)\nMyApp\nMyApp.Orders.Store\nGetById\nint32,string"));
  dir.add("with_generic_identity",
          std::string_view("List::Add\nSystem.Collections\nSystem.Collections.Generic.List`1\nAdd\n!0"));
  dir.add("regex_identity", std::string_view("re:^Lib!.*Inner.*\\(!!0\\)$\nLib\nOuter+Inner`1\nGet\n!!0"));
}

void control_seeds(const fs::path& root) {
  using clrprobe::control::encode_frame;
  SeedDir dir(root, "control_fuzz");
  const char* payloads[] = {
      R"({"op":"ping"})",
      R"({"op":"list"})",
      R"({"op":"add","selector":"MyApp.Orders.Store::GetById"})",
      R"({"op":"add","selector":"MyApp.*::Get*","dry_run":true,"max_methods":500})",
      R"({"op":"add","selector":"re:^X","dry_run":null,"max_methods":null,"extra":[1,{"a":2}]})",
      R"({"op":"remove","id":3})",
      R"({"op":"remove","all":true})",
      R"({"op":"remove","id":13})",
      R"({"op":"remove","id":1,"all":true})",
      R"({"op":"add","selector":""})",
      R"({"op":"add","selector":"x","max_methods":3.0})",
      R"({"op":"nope"})",
      R"([1,2,3])",
      R"({"op":"ping","s":"\u00e9\ud83d\ude00"})",
  };
  int i = 0;
  for (const char* p : payloads) {
    const std::string_view text(p);
    dir.add("frame_" + std::to_string(i), encode_frame(text));
    if (i % 3 == 0) dir.add("payload_" + std::to_string(i), text);
    ++i;
  }
  // Two frames back to back; a frame with trailing bytes; bad headers.
  Bytes two = encode_frame(std::string_view(R"({"op":"ping"})"));
  Bytes second = encode_frame(std::string_view(R"({"op":"list"})"));
  two.insert(two.end(), second.begin(), second.end());
  dir.add("two_frames", two);
  dir.add("http", std::string_view("GET / HTTP/1.1\r\n\r\n"));
  Bytes bad_version = encode_frame(std::string_view("{}"));
  bad_version[4] = 2;
  dir.add("bad_version", bad_version);
  Bytes huge_length = encode_frame(std::string_view("{}"));
  huge_length[11] = 0x7F;
  dir.add("huge_length", huge_length);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_seeds OUTPUT_DIR\n";
    return 2;
  }
  const fs::path root(argv[1]);
  il_seeds(root);
  selector_seeds(root);
  control_seeds(root);
  return 0;
}
