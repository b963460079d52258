#pragma once
// Typed exceptions used inside the engine. Public functions catch them and return
// weft::Error (see toError). Messages say what was expected and what was found.

#include <stdexcept>
#include <string>

#include "weft/result.h"

namespace weft {

class EngineError : public std::runtime_error {
public:
    EngineError(ErrorCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}
    ErrorCode code() const noexcept { return m_code; }

private:
    ErrorCode m_code;
};

struct FormatError : EngineError { explicit FormatError(const std::string& m) : EngineError(ErrorCode::Format, m) {} };
struct IoError : EngineError { explicit IoError(const std::string& m) : EngineError(ErrorCode::Io, m) {} };
struct NotFoundError : EngineError { explicit NotFoundError(const std::string& m) : EngineError(ErrorCode::NotFound, m) {} };
struct VersionError : EngineError { explicit VersionError(const std::string& m) : EngineError(ErrorCode::UnsupportedVersion, m) {} };
struct ShapeError : EngineError { explicit ShapeError(const std::string& m) : EngineError(ErrorCode::ShapeMismatch, m) {} };
struct LimitError : EngineError { explicit LimitError(const std::string& m) : EngineError(ErrorCode::LimitExceeded, m) {} };
struct CancelledError : EngineError { CancelledError() : EngineError(ErrorCode::Cancelled, "cancelled") {} };
struct ArgumentError : EngineError { explicit ArgumentError(const std::string& m) : EngineError(ErrorCode::InvalidArgument, m) {} };

/// Converts the exception in flight into an Error. Call only inside a catch block.
Error currentExceptionToError();

/// Runs f and converts any exception into an Error result.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (...) {
        return currentExceptionToError();
    }
}

} // namespace weft
