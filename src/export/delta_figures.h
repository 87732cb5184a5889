// Delta temporality for OTLP pushes: each push carries what changed since the
// previous accepted push, with that push's time as its start. Cumulative
// figures are what the agents keep; this turns them into deltas.
//
// Per series (process, probe, method): calls, exceptions, cancelled and the
// histogram buckets are subtracted (saturating); in_flight, a gauge, is
// unchanged. The delta's maximum is exact when the interval set a new maximum,
// else the midpoint of its highest bucket, capped at the all-time maximum
// (as figures::interval_figures). A series seen for the first time starts at
// its probe's addition, with its whole cumulative figures.
//
// A push that fails is not committed: the next one carries the deltas since
// the last accepted push (nothing is lost, nothing is counted twice).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include "export/snapshot.h"

namespace clrprobe::exporter {

class DeltaFigures {
 public:
  // The deltas of `cumulative` against the last committed push.
  HostSnapshot deltas(const HostSnapshot& cumulative);
  // The last deltas() was delivered: its figures are the new baseline.
  void commit();

 private:
  using SeriesKey = std::tuple<ProcessKey, int64_t, std::string>;
  struct Previous {
    uint64_t calls = 0, exceptions = 0, cancelled = 0;
    stats::Histogram ticks;
    uint64_t max_ticks = 0;
    uint64_t time_unix_ns = 0;
  };
  std::map<SeriesKey, Previous> committed_;
  std::map<SeriesKey, Previous> pending_;
};

}  // namespace clrprobe::exporter
