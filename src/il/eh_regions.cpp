#include "il/eh_regions.h"

#include <string>

namespace clrprobe::il {
namespace {

Error fail(const std::string& why) { return make_error(Reason::VerificationFailed, why); }

const char* region_name(RegionKind k) {
  switch (k) {
    case RegionKind::Try: return "try";
    case RegionKind::Handler: return "handler";
    case RegionKind::Filter: return "filter";
  }
  return "?";
}

std::string describe(const Region& r) {
  return std::string(region_name(r.kind)) + " [" + std::to_string(r.start) + "," +
         std::to_string(r.end) + ") of clause " + std::to_string(r.clause);
}

}  // namespace

Result<std::vector<Region>> build_eh_regions(const std::vector<EhClause>& clauses,
                                             uint32_t code_size,
                                             const std::function<bool(uint64_t)>& is_boundary) {
  std::vector<Region> regions;
  const auto check_range = [&](const Region& r) -> Status {
    if (r.start >= r.end) return fail("empty " + describe(r));
    if (r.end > code_size) return fail(describe(r) + " extends past the code");
    if (!is_boundary(r.start)) return fail(describe(r) + " starts inside an instruction");
    if (r.end != code_size && !is_boundary(r.end)) {
      return fail(describe(r) + " ends inside an instruction");
    }
    return {};
  };

  for (size_t i = 0; i < clauses.size(); ++i) {
    const EhClause& c = clauses[i];
    const EhClauseKind kind = c.kind();
    if (kind != EhClauseKind::Catch && kind != EhClauseKind::Filter &&
        kind != EhClauseKind::Finally && kind != EhClauseKind::Fault) {
      return fail("clause " + std::to_string(i) + " has unknown kind " +
                  std::to_string(c.flags & 0x7));
    }
    const Region try_region{RegionKind::Try, kind, i, c.try_offset, c.try_end()};
    const Region handler{RegionKind::Handler, kind, i, c.handler_offset, c.handler_end()};
    for (const Region* r : {&try_region, &handler}) {
      if (Status s = check_range(*r); !s) return s.error();
    }
    if (!try_region.disjoint(handler)) return fail("clause " + std::to_string(i) + ": try and handler overlap");
    regions.push_back(try_region);
    regions.push_back(handler);
    if (kind == EhClauseKind::Filter) {
      // The filter block runs from its start up to the handler (II.19).
      const Region filter{RegionKind::Filter, kind, i, c.class_token_or_filter_offset,
                          c.handler_offset};
      if (Status s = check_range(filter); !s) return s.error();
      if (!filter.disjoint(try_region)) {
        return fail("clause " + std::to_string(i) + ": filter overlaps its try");
      }
      regions.push_back(filter);
    }
  }

  for (size_t a = 0; a < regions.size(); ++a) {
    for (size_t b = a + 1; b < regions.size(); ++b) {
      const Region& ra = regions[a];
      const Region& rb = regions[b];
      if (ra.clause == rb.clause || ra.disjoint(rb)) continue;
      const bool same = ra.start == rb.start && ra.end == rb.end;
      if (same) {
        // Several handlers may protect the same try block; nothing else may
        // coincide.
        if (ra.kind == RegionKind::Try && rb.kind == RegionKind::Try) continue;
        return fail(describe(ra) + " coincides with " + describe(rb));
      }
      if (!ra.contains(rb) && !rb.contains(ra)) {
        return fail(describe(ra) + " partially overlaps " + describe(rb));
      }
      // Regions are created in clause order, so ra.clause < rb.clause: an
      // inner clause listed after an outer one breaks the runtime's search.
      if (ra.contains(rb)) {
        return fail(describe(rb) + " is nested in " + describe(ra) +
                    " but its clause is listed after it (inner clauses first)");
      }
    }
  }
  return regions;
}

}  // namespace clrprobe::il
