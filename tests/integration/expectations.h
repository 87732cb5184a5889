// gtest checks shared by the integration tests.
#pragma once

#include <string>
#include <vector>

#include "process_runner.h"
#include "report.h"
#include "scenario_cases.h"

namespace clrprobe::itest {

// The report entry for p.selector exists with exactly p.calls / p.exceptions, the expected
// method names, and latency as ExpectLatency checks it.
void ExpectProbe(const Report& report, const ProbeExpectation& p);

// The entry's latency is present and ordered (p50 <= p90 <= p99 <= max); once the probe has
// counted a call it is non-zero too (two clock reads take a few ns even around an empty
// method), so an all-zero histogram — latency never recorded — fails.
void ExpectLatency(const ProbeReport& probe);

// The program printed "expected <key> <calls>" (and, if it printed an
// "expected-exceptions <key> ..." line, with p.exceptions).
void ExpectDeclaredByProgram(const std::string& out, const ProbeExpectation& p);

// Same stdout, stderr and exit code as the plain run, and the run neither timed out nor failed to start.
void ExpectSameBehaviour(const ProcessResult& plain, const ProcessResult& probed);

// The value N of the line "<prefix> N" in text, or -1 when absent.
long long FindCount(const std::string& text, const std::string& prefix);

}  // namespace clrprobe::itest
