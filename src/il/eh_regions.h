// EH clauses seen as regions of code (try, handler, filter), with the shape
// rules of ECMA-335 II.19: bounds on instruction boundaries, regions either
// disjoint or nested, inner clauses listed before outer ones.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "common/result.h"
#include "il/method_body.h"

namespace clrprobe::il {

enum class RegionKind : uint8_t { Try, Handler, Filter };

struct Region {
  RegionKind kind = RegionKind::Try;
  EhClauseKind clause_kind = EhClauseKind::Catch;
  size_t clause = 0;    // index into the clause list
  uint64_t start = 0;   // inclusive code offset
  uint64_t end = 0;     // exclusive code offset

  bool contains(uint64_t offset) const { return offset >= start && offset < end; }
  bool contains(const Region& other) const { return other.start >= start && other.end <= end; }
  bool disjoint(const Region& other) const { return end <= other.start || other.end <= start; }
  // Handlers that end with endfinally (finally and fault).
  bool is_finally_like() const {
    return kind == RegionKind::Handler &&
           (clause_kind == EhClauseKind::Finally || clause_kind == EhClauseKind::Fault);
  }
  // Handlers entered with the exception object on the stack.
  bool is_catch_like() const {
    return kind == RegionKind::Handler &&
           (clause_kind == EhClauseKind::Catch || clause_kind == EhClauseKind::Filter);
  }
};

// Builds and validates the regions. `is_boundary(offset)` must say whether an
// instruction starts at `offset` (offset == code_size counts as a boundary for
// region ends only). Fails with VerificationFailed.
Result<std::vector<Region>> build_eh_regions(const std::vector<EhClause>& clauses,
                                             uint32_t code_size,
                                             const std::function<bool(uint64_t)>& is_boundary);

}  // namespace clrprobe::il
