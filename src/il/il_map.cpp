#include "il/il_map.h"

namespace clrprobe::il {

std::vector<IlMapEntry> build_il_map(const MethodBody& original, std::span<const uint32_t> new_starts,
                                     uint32_t tail_start) {
  const auto& code = original.instructions;
  std::vector<IlMapEntry> map;
  map.reserve(code.size() + 2);
  if (!new_starts.empty() && new_starts.front() > 0) map.push_back({0, 0, false});
  for (size_t i = 0; i < code.size() && i < new_starts.size(); ++i) {
    map.push_back({code[i].offset, new_starts[i], true});
  }
  if (code.empty() || code.back().opcode != Opcode::Ret) map.push_back({original.code_size, tail_start, false});
  return map;
}

std::vector<IlMapEntry> build_il_map_with_plain_copy(const MethodBody& original, std::span<const uint32_t> plain_starts,
                                                     uint32_t armed_start, std::span<const uint32_t> armed_starts,
                                                     uint32_t tail_start) {
  std::vector<IlMapEntry> map = build_il_map(original, plain_starts, armed_start);
  // The plain copy's closing entry (at armed_start) gives way to the armed
  // prologue's, which maps to offset 0 like any prologue.
  if (!map.empty() && map.back().new_offset == armed_start) map.pop_back();
  std::vector<IlMapEntry> armed = build_il_map(original, armed_starts, tail_start);
  if (!armed.empty() && armed.front().new_offset == 0) armed.front().new_offset = armed_start;
  map.insert(map.end(), armed.begin(), armed.end());
  return map;
}

uint32_t original_offset_of(std::span<const IlMapEntry> map, uint32_t new_offset) {
  uint32_t result = 0;
  for (const IlMapEntry& e : map) {
    if (e.new_offset > new_offset) break;
    result = e.old_offset;
  }
  return result;
}

uint32_t new_offset_of(std::span<const IlMapEntry> map, uint32_t old_offset) {
  uint32_t result = 0;
  for (const IlMapEntry& e : map) {
    if (e.old_offset > old_offset) break;
    result = e.new_offset;
  }
  return result;
}

}  // namespace clrprobe::il
