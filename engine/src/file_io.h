#pragma once
// Size-capped whole-file reads and atomic whole-file writes (POSIX), shared by the
// engine's file formats. Header-only. Errors are the typed exceptions of errors.h.

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"

namespace weft {

/// Describes errno for a user: names the common cases (full disk, permissions) plainly.
inline std::string describeErrno(int err) {
    switch (err) {
    case ENOSPC: return "no space left on the device (disk full)";
    case EDQUOT: return "disk quota exceeded";
    case EACCES:
    case EPERM: return std::string("permission denied (") + std::strerror(err) + ")";
    case EROFS: return "read-only file system";
    default: return std::strerror(err);
    }
}

/// Reads a whole regular file into `out` (std::string or std::vector<std::uint8_t>),
/// refusing files over `maxBytes` before reading anything. `what` names the file's role in
/// messages ("config.json"). Throws NotFoundError, LimitError or IoError. Thread-safe.
template <class Bytes>
void readFileCapped(const std::string& path, std::uint64_t maxBytes, const char* what, Bytes& out) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR)
            throw NotFoundError(std::string(what) + " '" + path + "' does not exist");
        throw IoError(std::string("cannot open ") + what + " '" + path + "': " + describeErrno(err));
    }
    struct Closer { int fd; ~Closer() { ::close(fd); } } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        throw IoError(std::string("cannot stat ") + what + " '" + path + "': " + describeErrno(errno));
    if (!S_ISREG(st.st_mode))
        throw IoError(std::string(what) + " '" + path + "' is not a regular file");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > maxBytes)
        throw LimitError(std::string(what) + " '" + path + "' is " + std::to_string(size) +
                         " bytes; the limit is " + std::to_string(maxBytes) + " bytes");
    out.resize(static_cast<std::size_t>(size));
    std::size_t got = 0;
    while (got < out.size()) {
        const ssize_t n = ::read(fd, reinterpret_cast<char*>(&out[0]) + got, out.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw IoError(std::string("cannot read ") + what + " '" + path + "': " + describeErrno(errno));
        }
        if (n == 0) break; // the file shrank while reading
        got += static_cast<std::size_t>(n);
    }
    if (got != out.size())
        throw IoError(std::string(what) + " '" + path + "' changed size while being read (expected " +
                      std::to_string(out.size()) + " bytes, read " + std::to_string(got) + ")");
}

/// Writes `size` bytes to `path` atomically: a temporary file in the same folder is written,
/// fsynced and renamed over `path`, then the folder is fsynced. On any failure the temporary
/// file is removed and the previous file at `path` is untouched. New files get mode 0644.
/// Throws IoError naming the path and the reason (full disk, permissions). Thread-safe for
/// distinct paths.
inline void writeBytesAtomic(const std::string& path, const void* data, std::size_t size) {
    if (path.empty())
        throw IoError("cannot write a file with an empty path");
    const std::size_t slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? std::string(".") : (slash == 0 ? std::string("/") : path.substr(0, slash));
    std::string tmp = path + ".tmp-XXXXXX";
    int fd = ::mkstemp(&tmp[0]);
    if (fd < 0)
        throw IoError("cannot create a temporary file next to '" + path + "': " + describeErrno(errno));
    auto fail = [&](const std::string& step, int err) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw IoError("cannot " + step + " '" + path + "': " + describeErrno(err));
    };
    const char* p = static_cast<const char*>(data);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, p + done, size - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write", errno);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, 0644) != 0) fail("set permissions of", errno);
    if (::fsync(fd) != 0) fail("flush", errno);
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw IoError("cannot write '" + path + "': " + describeErrno(err));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw IoError("cannot replace '" + path + "': " + describeErrno(err));
    }
    // Make the rename itself durable; a failure here does not lose data, so it is ignored.
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)::fsync(dfd);
        ::close(dfd);
    }
}

} // namespace weft
