// Body compression for Stream Load: a load body compressed whole with LZ4 frame, zstd or gzip
// (sink.properties.compression). JSON bodies announce it with the `compression` header
// (StarRocks 3.2.7+), CSV bodies with `format: lz4|zstd|gzip`. Thread: control.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace starcdc::starrocks {

enum class Compression : uint8_t { None, Lz4Frame, Zstd, Gzip };

// "lz4_frame" / "lz4", "zstd", "gzip" (any case) → the codec; nullopt for anything else.
std::optional<Compression> parse_compression(std::string_view name);
// The `compression` header value for JSON bodies ("LZ4_FRAME"), the CSV `format` ("lz4").
const char* compression_header_value(Compression c);
const char* compressed_csv_format(Compression c);

// Compresses the concatenation of `parts` into `out` (replacing its content). Throws
// Error(Internal) when the codec fails.
void compress_body(Compression c, const std::vector<std::string_view>& parts, std::string& out);
// The inverse, for tests.
std::string decompress_body(Compression c, std::string_view data);

}  // namespace starcdc::starrocks
