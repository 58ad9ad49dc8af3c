// Whole-body decompression of Stream Load bodies: JSON bodies announced by the `compression` or
// `Content-Encoding` header, CSV bodies announced by `format: gzip|bzip2|lz4|deflate|zstd`.
// The error texts are the BE's (util/compression/stream_compression.cpp,
// io/compressed_input_stream.cpp); see docs/emulator.md for what is ours.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace emu {

enum class Codec : uint8_t { kNone, kGzip, kDeflate, kBzip2, kLz4Frame, kZstd };

// GZIP, DEFLATE, BZIP2, LZ4_FRAME, ZSTD (the TCompressionType names).
const char* codec_name(Codec c);

// How a body is read, following the two BE readers:
//  kJsonRequest: CompressedStreamLoadPipeReader, one request body at a time; reading stops at the
//                first end of stream that leaves no input behind the decoder's call (GZIP/DEFLATE/
//                BZIP2 go on with a following member, LZ4 frame and ZSTD stop after the first
//                frame and ignore the rest).
//  kCsvStream:   io::CompressedInputStream over the whole body; every member or frame is read.
enum class DecompressMode : uint8_t { kJsonRequest, kCsvStream };

// Decompresses in[0, n) into scratch[0, *out_size) and sets scratch[*out_size] = '\0'. The
// scratch buffer only grows (its size is its capacity), so keep it between calls: no per-load
// allocation or zero-filling once it is large enough. Returns false with the StarRocks-like
// error text in *error.
bool decompress_body(Codec codec, DecompressMode mode, const char* in, size_t n,
                     std::string* scratch, size_t* out_size, std::string* error);

}  // namespace emu
