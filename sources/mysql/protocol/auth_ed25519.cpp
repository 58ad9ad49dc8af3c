#include "sources/mysql/protocol/auth_ed25519.hpp"

#include <openssl/bn.h>

#include <memory>

#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/auth_scramble.hpp"

namespace starcdc::mysql::protocol {
namespace {

// Curve constants (RFC 8032 section 5.1): p = 2^255 - 19; d = -121665/121666 mod p (2d here);
// the base point B; the group order L = 2^252 + 27742317777372353535851937790883648493.
constexpr const char* kP = "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFED";
constexpr const char* kD = "52036CEE2B6FFE738CC740797779E89800700A4D4141D8AB75EB4DCA135978A3";
constexpr const char* kBx = "216936D3CD6E53FEC0A4E231FDD6DC5C692CC7609525A7B2C9562D608F25D51A";
constexpr const char* kBy = "6666666666666666666666666666666666666666666666666666666666666658";
constexpr const char* kL = "1000000000000000000000000000000014DEF9DEA2F79CD65812631A5CF5D3ED";
constexpr int kScalarBits = 256;
constexpr size_t kHalfHash = 32;

struct BnFree {
  void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

[[noreturn]] void bn_failed() { throw Error(ErrorKind::Internal, "OpenSSL BIGNUM failed"); }

void check(int rc) {
  if (rc != 1) {
    bn_failed();
  }
}

Bn make_bn() {
  Bn b(BN_new());
  if (!b) {
    bn_failed();
  }
  return b;
}

Bn from_hex(const char* hex) {
  BIGNUM* b = nullptr;
  if (BN_hex2bn(&b, hex) == 0) {
    bn_failed();
  }
  return Bn(b);
}

Bn from_le(ByteView bytes) {
  Bn b(BN_lebin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (!b) {
    bn_failed();
  }
  return b;
}

// Points in extended twisted Edwards coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z.
struct Point {
  Bn x = make_bn(), y = make_bn(), z = make_bn(), t = make_bn();
};

class Curve {
 public:
  Curve() : ctx_(BN_CTX_new(), BN_CTX_free), p_(from_hex(kP)), l_(from_hex(kL)) {
    if (!ctx_) {
      bn_failed();
    }
    const Bn d = from_hex(kD);
    check(BN_mod_add(d2_.get(), d.get(), d.get(), p_.get(), ctx_.get()));
  }

  // k * B by double-and-add over all 256 bits.
  Point mul_base(const BIGNUM* k) {
    Point b = base_point();
    Point r;
    BN_zero(r.x.get());
    check(BN_one(r.y.get()));
    check(BN_one(r.z.get()));
    BN_zero(r.t.get());
    for (int i = kScalarBits - 1; i >= 0; --i) {
      add(r, r, r);
      if (BN_is_bit_set(k, i) == 1) {
        add(r, r, b);
      }
    }
    return r;
  }

  // y in little-endian with the sign of x in the top bit (RFC 8032 section 5.1.2).
  Ed25519PublicKey encode(const Point& pt) {
    Bn zinv(BN_mod_inverse(nullptr, pt.z.get(), p_.get(), ctx_.get()));
    if (!zinv) {
      bn_failed();
    }
    Bn x = make_bn();
    Bn y = make_bn();
    mul(x.get(), pt.x.get(), zinv.get());
    mul(y.get(), pt.y.get(), zinv.get());
    Ed25519PublicKey out{};
    if (BN_bn2lebinpad(y.get(), out.data(), static_cast<int>(out.size())) < 0) {
      bn_failed();
    }
    if (BN_is_odd(x.get()) == 1) {
      out[31] |= 0x80;
    }
    return out;
  }

  // A 64-byte hash as a little-endian number, reduced mod L.
  Bn reduce(ByteView le) {
    Bn v = from_le(le);
    Bn r = make_bn();
    check(BN_nnmod(r.get(), v.get(), l_.get(), ctx_.get()));
    return r;
  }

  // (a * b + c) mod L
  Bn muladd(const BIGNUM* a, const BIGNUM* b, const BIGNUM* c) {
    Bn prod = make_bn();
    Bn r = make_bn();
    check(BN_mod_mul(prod.get(), a, b, l_.get(), ctx_.get()));
    check(BN_mod_add(r.get(), prod.get(), c, l_.get(), ctx_.get()));
    return r;
  }

 private:
  Point base_point() {
    Point b;
    b.x = from_hex(kBx);
    b.y = from_hex(kBy);
    check(BN_one(b.z.get()));
    mul(b.t.get(), b.x.get(), b.y.get());
    return b;
  }

  void mul(BIGNUM* r, const BIGNUM* a, const BIGNUM* b) {
    check(BN_mod_mul(r, a, b, p_.get(), ctx_.get()));
  }
  void addm(BIGNUM* r, const BIGNUM* a, const BIGNUM* b) {
    check(BN_mod_add(r, a, b, p_.get(), ctx_.get()));
  }
  void subm(BIGNUM* r, const BIGNUM* a, const BIGNUM* b) {
    check(BN_mod_sub(r, a, b, p_.get(), ctx_.get()));
  }

  // r = p + q with the unified formula for a = -1 ("add-2008-hwcd-3", Hisil-Wong-Carter-Dawson
  // 2008), which also doubles. Every input is read before r is written, so r may alias p or q.
  void add(Point& r, const Point& p, const Point& q) {
    subm(t1_.get(), p.y.get(), p.x.get());
    subm(t2_.get(), q.y.get(), q.x.get());
    mul(a_.get(), t1_.get(), t2_.get());
    addm(t1_.get(), p.y.get(), p.x.get());
    addm(t2_.get(), q.y.get(), q.x.get());
    mul(b_.get(), t1_.get(), t2_.get());
    mul(c_.get(), p.t.get(), d2_.get());
    mul(c_.get(), c_.get(), q.t.get());
    mul(d_.get(), p.z.get(), q.z.get());
    addm(d_.get(), d_.get(), d_.get());
    subm(e_.get(), b_.get(), a_.get());
    subm(f_.get(), d_.get(), c_.get());
    addm(g_.get(), d_.get(), c_.get());
    addm(h_.get(), b_.get(), a_.get());
    mul(r.x.get(), e_.get(), f_.get());
    mul(r.y.get(), g_.get(), h_.get());
    mul(r.t.get(), e_.get(), h_.get());
    mul(r.z.get(), f_.get(), g_.get());
  }

  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx_;
  Bn p_, l_;
  Bn d2_ = make_bn();
  Bn t1_ = make_bn(), t2_ = make_bn(), a_ = make_bn(), b_ = make_bn(), c_ = make_bn(),
     d_ = make_bn(), e_ = make_bn(), f_ = make_bn(), g_ = make_bn(), h_ = make_bn();
};

Bytes concat(ByteView a, ByteView b, ByteView c = {}) {
  Bytes out;
  out.reserve(a.size() + b.size() + c.size());
  out.insert(out.end(), a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  out.insert(out.end(), c.begin(), c.end());
  return out;
}

// The clamped secret scalar a from h = SHA-512(password).
Bn secret_scalar(const Bytes& h) {
  std::array<uint8_t, kHalfHash> a{};
  std::copy(h.begin(), h.begin() + kHalfHash, a.begin());
  a[0] &= 248;
  a[31] &= 63;
  a[31] |= 64;
  Bn s = from_le(a);
  a.fill(0);
  return s;
}

}  // namespace

Ed25519PublicKey ed25519_public_key_from_password(std::string_view password) {
  Curve curve;
  const Bytes h = sha512(as_bytes(password));
  const Bn a = secret_scalar(h);
  return curve.encode(curve.mul_base(a.get()));
}

Ed25519Signature ed25519_sign_with_password(std::string_view password, ByteView message) {
  Curve curve;
  const Bytes h = sha512(as_bytes(password));
  const Bn a = secret_scalar(h);
  const Ed25519PublicKey pub = curve.encode(curve.mul_base(a.get()));
  const Bn r = curve.reduce(sha512(concat(ByteView(h).subspan(kHalfHash), message)));
  const Ed25519PublicKey big_r = curve.encode(curve.mul_base(r.get()));
  const Bn k = curve.reduce(sha512(concat(big_r, pub, message)));
  const Bn s = curve.muladd(k.get(), a.get(), r.get());
  Ed25519Signature sig{};
  std::copy(big_r.begin(), big_r.end(), sig.begin());
  if (BN_bn2lebinpad(s.get(), sig.data() + 32, 32) < 0) {
    bn_failed();
  }
  return sig;
}

}  // namespace starcdc::mysql::protocol
