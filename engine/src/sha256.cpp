#include "sha256.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include <openssl/evp.h>

#include "errors.h"

namespace weft {

namespace {

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

MdCtx newContext() {
    MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        throw EngineError(ErrorCode::Internal, "OpenSSL could not initialise SHA-256");
    return ctx;
}

std::string finish(EVP_MD_CTX* ctx) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx, digest, &len) != 1)
        throw EngineError(ErrorCode::Internal, "OpenSSL could not finish SHA-256");
    static const char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out.push_back(kHex[digest[i] >> 4]);
        out.push_back(kHex[digest[i] & 15]);
    }
    return out;
}

} // namespace

std::string sha256Hex(const void* data, std::size_t size) {
    MdCtx ctx = newContext();
    if (size > 0 && EVP_DigestUpdate(ctx.get(), data, size) != 1)
        throw EngineError(ErrorCode::Internal, "OpenSSL SHA-256 update failed");
    return finish(ctx.get());
}

std::string sha256File(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw NotFoundError("file '" + path + "' does not exist");
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
    if (!f)
        throw IoError("cannot open '" + path + "' for hashing: " + std::strerror(errno));
    MdCtx ctx = newContext();
    std::vector<unsigned char> buf(1 << 20);
    for (;;) {
        std::size_t n = std::fread(buf.data(), 1, buf.size(), f.get());
        if (n > 0 && EVP_DigestUpdate(ctx.get(), buf.data(), n) != 1)
            throw EngineError(ErrorCode::Internal, "OpenSSL SHA-256 update failed");
        if (n < buf.size()) {
            if (std::ferror(f.get()))
                throw IoError("read error while hashing '" + path + "'");
            break;
        }
    }
    return finish(ctx.get());
}

} // namespace weft
