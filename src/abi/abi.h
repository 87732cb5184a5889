// Everything clrprobe declares of the CoreCLR profiling ABI.
#pragma once

#include "abi/com.h"
#include "abi/cor_il.h"
#include "abi/cor_types.h"
#include "abi/corprof.h"
#include "abi/metadata.h"
#include "abi/profiler_guids.h"
