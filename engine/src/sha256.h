#pragma once
// SHA-256 digests (OpenSSL EVP), lower-case hex. Used for model hashes in message metadata.

#include <cstddef>
#include <string>

namespace weft {

/// SHA-256 of a file's bytes as 64 lower-case hex characters. Streams the file in 1 MiB
/// blocks (no size cap). Thread-safe. Throws NotFoundError when the file is missing, IoError
/// when it cannot be read.
std::string sha256File(const std::string& path);

/// SHA-256 of `size` bytes at `data` as 64 lower-case hex characters. Thread-safe.
/// Throws Internal-category EngineError only if OpenSSL itself fails.
std::string sha256Hex(const void* data, std::size_t size);

} // namespace weft
