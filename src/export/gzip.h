// gzip (RFC 1952) in memory with zlib, for OTLP's "Content-Encoding: gzip".
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace clrprobe::exporter {

Result<std::string> gzip_compress(std::string_view data);
// The inverse (tests, and a receiver's point of view). InvalidInput when
// `data` is not a complete gzip stream.
Result<std::string> gzip_decompress(std::string_view data);

}  // namespace clrprobe::exporter
