#pragma once
// Result type used by every public engine function: either a value or an Error.
// The engine throws typed exceptions internally; the public API converts them into
// Error values so that callers (the GUI, the CLI) never see an exception.

#include <string>
#include <utility>
#include <variant>

namespace weft {

/// Category of a failure. The message of an Error says what was expected and what was found.
enum class ErrorCode {
    InvalidArgument,    ///< a caller passed a value outside its documented range
    NotFound,           ///< a file or folder does not exist
    Io,                 ///< reading or writing failed (permissions, full disk, ...)
    Format,             ///< bytes do not follow the format (bad magic, bad JSON, truncated)
    UnsupportedVersion, ///< a format version newer than this build understands
    ShapeMismatch,      ///< a tensor's shape or dtype differs from what the config implies
    LimitExceeded,      ///< an input is larger than the documented caps
    Cancelled,          ///< the caller's cancel flag was raised or a callback asked to stop
    Internal,           ///< a bug or an unexpected failure of a dependency
};

/// Human readable, stable name of an error code ("format", "not-found", ...). Thread-safe.
const char* errorCodeName(ErrorCode code) noexcept;

/// A failure: a category plus a one-line message naming the file/tensor/field involved.
struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;
};

/// Either a T or an Error. Cheap to move; not thread-safe for concurrent mutation.
template <class T>
class Result {
public:
    Result(T value) : m_data(std::move(value)) {}          // NOLINT(google-explicit-constructor)
    Result(Error error) : m_data(std::move(error)) {}      // NOLINT(google-explicit-constructor)

    bool ok() const noexcept { return m_data.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    /// The value; only valid when ok().
    T& value() & { return std::get<0>(m_data); }
    const T& value() const& { return std::get<0>(m_data); }
    T&& value() && { return std::get<0>(std::move(m_data)); }

    /// The error; only valid when !ok().
    const Error& error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

/// Result without a value.
template <>
class Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT(google-explicit-constructor)
    bool ok() const noexcept { return m_ok; }
    explicit operator bool() const noexcept { return m_ok; }
    const Error& error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

} // namespace weft
