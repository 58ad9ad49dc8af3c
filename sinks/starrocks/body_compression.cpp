#include "sinks/starrocks/body_compression.hpp"

#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>

#include "pipeline/common/error.hpp"

namespace starcdc::starrocks {
namespace {

size_t total_size(const std::vector<std::string_view>& parts) {
  size_t n = 0;
  for (auto p : parts) {
    n += p.size();
  }
  return n;
}

[[noreturn]] void codec_failed(const char* codec, const std::string& why) {
  throw Error(ErrorKind::Internal, std::string(codec) + " compression failed: " + why,
              "sink.properties.compression");
}

void lz4_frame(const std::vector<std::string_view>& parts, std::string& out) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentSize = total_size(parts);
  prefs.compressionLevel = 0;  // the fast default
  LZ4F_cctx* ctx = nullptr;
  if (LZ4F_isError(LZ4F_createCompressionContext(&ctx, LZ4F_VERSION))) {
    codec_failed("lz4", "no context");
  }
  size_t bound = LZ4F_HEADER_SIZE_MAX;
  for (auto p : parts) {
    bound += LZ4F_compressBound(p.size(), &prefs);
  }
  bound += LZ4F_compressBound(0, &prefs);
  out.resize(bound);
  char* dst = out.data();
  size_t used = LZ4F_compressBegin(ctx, dst, bound, &prefs);
  for (auto p : parts) {
    if (LZ4F_isError(used)) {
      break;
    }
    const size_t n =
        LZ4F_compressUpdate(ctx, dst + used, bound - used, p.data(), p.size(), nullptr);
    used = LZ4F_isError(n) ? n : used + n;
  }
  if (!LZ4F_isError(used)) {
    const size_t n = LZ4F_compressEnd(ctx, dst + used, bound - used, nullptr);
    used = LZ4F_isError(n) ? n : used + n;
  }
  LZ4F_freeCompressionContext(ctx);
  if (LZ4F_isError(used)) {
    codec_failed("lz4", LZ4F_getErrorName(used));
  }
  out.resize(used);
}

void zstd(const std::vector<std::string_view>& parts, std::string& out) {
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, 1);
  ZSTD_CCtx_setPledgedSrcSize(ctx, total_size(parts));
  out.resize(ZSTD_compressBound(total_size(parts)) + 64);
  ZSTD_outBuffer o{out.data(), out.size(), 0};
  size_t rc = 0;
  for (size_t i = 0; i < parts.size() && !ZSTD_isError(rc); ++i) {
    ZSTD_inBuffer in{parts[i].data(), parts[i].size(), 0};
    const auto mode = i + 1 == parts.size() ? ZSTD_e_end : ZSTD_e_continue;
    do {
      rc = ZSTD_compressStream2(ctx, &o, &in, mode);
    } while (!ZSTD_isError(rc) && (mode == ZSTD_e_end ? rc != 0 : in.pos < in.size));
  }
  if (parts.empty()) {
    ZSTD_inBuffer in{nullptr, 0, 0};
    rc = ZSTD_compressStream2(ctx, &o, &in, ZSTD_e_end);
  }
  ZSTD_freeCCtx(ctx);
  if (ZSTD_isError(rc)) {
    codec_failed("zstd", ZSTD_getErrorName(rc));
  }
  out.resize(o.pos);
}

void gzip(const std::vector<std::string_view>& parts, std::string& out) {
  z_stream z{};
  // 15 window bits + 16: a gzip header and trailer.
  if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    codec_failed("gzip", "no stream");
  }
  out.resize(deflateBound(&z, total_size(parts)) + 64);
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = Z_OK;
  for (size_t i = 0; i <= parts.size() && (rc == Z_OK || rc == Z_BUF_ERROR); ++i) {
    const bool last = i == parts.size();
    if (!last) {
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(parts[i].data()));
      z.avail_in = static_cast<uInt>(parts[i].size());
    }
    rc = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
  }
  const size_t used = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) {
    codec_failed("gzip", "deflate returned " + std::to_string(rc));
  }
  out.resize(used);
}

}  // namespace

std::optional<Compression> parse_compression(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (n == "lz4_frame" || n == "lz4") {
    return Compression::Lz4Frame;
  }
  if (n == "zstd") {
    return Compression::Zstd;
  }
  if (n == "gzip") {
    return Compression::Gzip;
  }
  return std::nullopt;
}

const char* compression_header_value(Compression c) {
  switch (c) {
    case Compression::Lz4Frame:
      return "LZ4_FRAME";
    case Compression::Zstd:
      return "ZSTD";
    case Compression::Gzip:
      return "GZIP";
    case Compression::None:
      break;
  }
  return "";
}

const char* compressed_csv_format(Compression c) {
  switch (c) {
    case Compression::Lz4Frame:
      return "lz4";
    case Compression::Zstd:
      return "zstd";
    case Compression::Gzip:
      return "gzip";
    case Compression::None:
      break;
  }
  return "csv";
}

void compress_body(Compression c, const std::vector<std::string_view>& parts, std::string& out) {
  switch (c) {
    case Compression::Lz4Frame:
      lz4_frame(parts, out);
      return;
    case Compression::Zstd:
      zstd(parts, out);
      return;
    case Compression::Gzip:
      gzip(parts, out);
      return;
    case Compression::None:
      out.clear();
      for (auto p : parts) {
        out.append(p);
      }
      return;
  }
}

std::string decompress_body(Compression c, std::string_view data) {
  std::string out;
  switch (c) {
    case Compression::Lz4Frame: {
      LZ4F_dctx* ctx = nullptr;
      LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION);
      const char* src = data.data();
      size_t left = data.size();
      char buf[65536];
      while (left > 0) {
        size_t dst_size = sizeof buf;
        size_t src_size = left;
        const size_t rc = LZ4F_decompress(ctx, buf, &dst_size, src, &src_size, nullptr);
        if (LZ4F_isError(rc)) {
          LZ4F_freeDecompressionContext(ctx);
          codec_failed("lz4", LZ4F_getErrorName(rc));
        }
        out.append(buf, dst_size);
        src += src_size;
        left -= src_size;
        if (rc == 0) {
          break;
        }
      }
      LZ4F_freeDecompressionContext(ctx);
      return out;
    }
    case Compression::Zstd: {
      const unsigned long long n = ZSTD_getFrameContentSize(data.data(), data.size());
      if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN) {
        codec_failed("zstd", "no content size");
      }
      out.resize(n);
      const size_t rc = ZSTD_decompress(out.data(), out.size(), data.data(), data.size());
      if (ZSTD_isError(rc)) {
        codec_failed("zstd", ZSTD_getErrorName(rc));
      }
      return out;
    }
    case Compression::Gzip: {
      z_stream z{};
      inflateInit2(&z, 15 + 16);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      z.avail_in = static_cast<uInt>(data.size());
      char buf[65536];
      int rc = Z_OK;
      while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
      }
      inflateEnd(&z);
      if (rc != Z_STREAM_END) {
        codec_failed("gzip", "inflate returned " + std::to_string(rc));
      }
      return out;
    }
    case Compression::None:
      return std::string(data);
  }
  return out;
}

}  // namespace starcdc::starrocks
