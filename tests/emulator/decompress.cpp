#include "decompress.hpp"

#include <bzlib.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <climits>
#include <memory>

namespace emu {
namespace {

// The output window: scratch[used, scratch->size()), grown geometrically; one byte is always
// kept free for the terminating NUL.
class Output {
 public:
  Output(std::string* s, size_t hint) : s_(s) {
    if (s_->size() < hint) {
      s_->resize(hint);
    }
  }
  char* ptr() { return s_->data() + used_; }
  size_t room() {
    if (s_->size() - used_ < 2) {
      s_->resize(std::max<size_t>(s_->size() * 2, 1 << 16));
    }
    return s_->size() - used_ - 1;
  }
  void advance(size_t n) { used_ += n; }
  size_t finish() {
    (*s_)[used_] = '\0';
    return used_;
  }

 private:
  std::string* s_;
  size_t used_ = 0;
};

constexpr size_t kMaxChunk = UINT_MAX / 2;  // zlib and libbz2 count in unsigned int

std::string truncated(Codec c, DecompressMode mode) {
  if (mode == DecompressMode::kCsvStream) {
    // CompressedInputStream::read at the end of the input with nothing left to decode (the
    // source prints input_len twice).
    return "Failed to decompress. input_len:0, output_len:0";
  }
  // StarRocks' JSON reader keeps asking the decoder for more output here; the text is ours.
  return std::string("Failed to decompress the body: the ") + codec_name(c) +
         " data ends before the end of the compressed stream";
}

bool inflate_body(Codec c, DecompressMode mode, const char* in, size_t n, Output* out,
                  std::string* error) {
  z_stream zs{};
  // GZIP: window bits 15 | 32 (gzip or zlib header, detected); DEFLATE: 15 (zlib format).
  int ret = inflateInit2(&zs, c == Codec::kDeflate ? 15 : 15 | 32);
  if (ret < 0) {
    *error = "Failed to init inflate. status code: " + std::to_string(ret);
    return false;
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  size_t pos = 0;
  while (true) {
    size_t chunk = std::min(n - pos, kMaxChunk);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in + pos));
    zs.avail_in = static_cast<uInt>(chunk);
    size_t room = std::min(out->room(), kMaxChunk);
    zs.next_out = reinterpret_cast<Bytef*>(out->ptr());
    zs.avail_out = static_cast<uInt>(room);
    ret = inflate(&zs, Z_NO_FLUSH);
    pos += chunk - zs.avail_in;
    out->advance(room - zs.avail_out);
    if (ret == Z_STREAM_END) {
      if (pos == n) {
        return true;
      }
      // GzipStreamCompression resets and decodes a following member.
      inflateReset(&zs);
      continue;
    }
    if (ret != Z_OK && ret != Z_BUF_ERROR) {
      *error = "Failed to inflate. return code: " + std::to_string(ret);
      return false;
    }
    if (pos == n && zs.avail_out != 0) {
      *error = truncated(c, mode);
      return false;
    }
  }
}

bool bunzip_body(DecompressMode mode, const char* in, size_t n, Output* out, std::string* error) {
  bz_stream bz{};
  int ret = BZ2_bzDecompressInit(&bz, 0, 0);
  if (ret != BZ_OK) {
    *error = "Failed to init bz2. status code: " + std::to_string(ret);
    return false;
  }
  size_t pos = 0;
  auto fail = [&](std::string msg) {
    BZ2_bzDecompressEnd(&bz);
    *error = std::move(msg);
    return false;
  };
  while (true) {
    size_t chunk = std::min(n - pos, kMaxChunk);
    bz.next_in = const_cast<char*>(in + pos);
    bz.avail_in = static_cast<unsigned>(chunk);
    size_t room = std::min(out->room(), kMaxChunk);
    bz.next_out = out->ptr();
    bz.avail_out = static_cast<unsigned>(room);
    ret = BZ2_bzDecompress(&bz);
    pos += chunk - bz.avail_in;
    out->advance(room - bz.avail_out);
    if (ret == BZ_STREAM_END) {
      BZ2_bzDecompressEnd(&bz);
      if (pos == n) {
        return true;
      }
      // Bzip2StreamCompression re-initialises and decodes a following stream.
      bz = bz_stream{};
      if ((ret = BZ2_bzDecompressInit(&bz, 0, 0)) != BZ_OK) {
        *error = "Failed to init bz2 after meet BZ_STREAM_END. status code: " + std::to_string(ret);
        return false;
      }
      continue;
    }
    if (ret != BZ_OK) {
      return fail("Failed to bz2 decompress. status code: " + std::to_string(ret));
    }
    if (pos == n && bz.avail_out != 0) {
      return fail(truncated(Codec::kBzip2, mode));
    }
  }
}

bool unlz4_body(DecompressMode mode, const char* in, size_t n, Output* out, std::string* error) {
  // Lz4FrameStreamCompression: the first call needs the whole frame header (7..15 bytes).
  if (n < 15) {
    *error =
        "Lz4 header size is between 7 and 15 bytes. but input size is only: " + std::to_string(n);
    return false;
  }
  LZ4F_dctx* ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) {
    *error = "Failed to create the LZ4 frame decompression context";
    return false;
  }
  std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> guard(ctx,
                                                                     LZ4F_freeDecompressionContext);
  LZ4F_frameInfo_t info{};
  size_t pos = n;
  size_t ret = LZ4F_getFrameInfo(ctx, &info, in, &pos);
  if (LZ4F_isError(ret)) {
    *error = std::string("LZ4F_getFrameInfo error: ") + LZ4F_getErrorName(ret);
    return false;
  }
  while (true) {
    size_t src = n - pos;
    size_t room = out->room();
    size_t dst = room;
    ret = LZ4F_decompress(ctx, out->ptr(), &dst, in + pos, &src, nullptr);
    if (LZ4F_isError(ret)) {
      *error = std::string("Decompression error: ") + LZ4F_getErrorName(ret);
      return false;
    }
    pos += src;
    out->advance(dst);
    if (ret == 0) {  // end of a frame
      if (pos == n || mode == DecompressMode::kJsonRequest) {
        return true;
      }
      continue;
    }
    if (pos == n && dst < room) {
      *error = truncated(Codec::kLz4Frame, mode);
      return false;
    }
  }
}

bool unzstd_body(DecompressMode mode, const char* in, size_t n, Output* out, std::string* error) {
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  ZSTD_inBuffer ib{in, n, 0};
  while (true) {
    size_t room = out->room();
    ZSTD_outBuffer ob{out->ptr(), room, 0};
    size_t ret = ZSTD_decompressStream(ctx.get(), &ob, &ib);
    if (ZSTD_isError(ret)) {
      *error = std::string("ZSTD decompress failed. error: ") +
               ZSTD_getErrorString(ZSTD_getErrorCode(ret));
      return false;
    }
    out->advance(ob.pos);
    if (ret == 0) {  // end of a frame
      if (ib.pos == n || mode == DecompressMode::kJsonRequest) {
        return true;
      }
      continue;
    }
    if (ib.pos == n && ob.pos < room) {
      *error = truncated(Codec::kZstd, mode);
      return false;
    }
  }
}

}  // namespace

const char* codec_name(Codec c) {
  switch (c) {
    case Codec::kNone:
      return "NO_COMPRESSION";
    case Codec::kGzip:
      return "GZIP";
    case Codec::kDeflate:
      return "DEFLATE";
    case Codec::kBzip2:
      return "BZIP2";
    case Codec::kLz4Frame:
      return "LZ4_FRAME";
    case Codec::kZstd:
      return "ZSTD";
  }
  return "UNKNOWN";
}

bool decompress_body(Codec codec, DecompressMode mode, const char* in, size_t n,
                     std::string* scratch, size_t* out_size, std::string* error) {
  Output out(scratch, std::max<size_t>(n * 4, 1 << 16));
  bool ok = false;
  switch (codec) {
    case Codec::kNone:
      out.room();
      std::copy(in, in + n, scratch->begin());
      out.advance(n);
      ok = true;
      break;
    case Codec::kGzip:
    case Codec::kDeflate:
      ok = inflate_body(codec, mode, in, n, &out, error);
      break;
    case Codec::kBzip2:
      ok = bunzip_body(mode, in, n, &out, error);
      break;
    case Codec::kLz4Frame:
      ok = unlz4_body(mode, in, n, &out, error);
      break;
    case Codec::kZstd:
      ok = unzstd_body(mode, in, n, &out, error);
      break;
  }
  if (ok) {
    *out_size = out.finish();
  }
  return ok;
}

}  // namespace emu
