#include "errors.h"

#include <new>
#include <system_error>

#include <nlohmann/json.hpp>

namespace weft {

const char* errorCodeName(ErrorCode code) noexcept {
    switch (code) {
    case ErrorCode::InvalidArgument: return "invalid-argument";
    case ErrorCode::NotFound: return "not-found";
    case ErrorCode::Io: return "io";
    case ErrorCode::Format: return "format";
    case ErrorCode::UnsupportedVersion: return "unsupported-version";
    case ErrorCode::ShapeMismatch: return "shape-mismatch";
    case ErrorCode::LimitExceeded: return "limit-exceeded";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::Internal: return "internal";
    }
    return "unknown";
}

Error currentExceptionToError() {
    try {
        throw;
    } catch (const EngineError& e) {
        return Error{e.code(), e.what()};
    } catch (const std::bad_array_new_length& e) {
        // A length computed from outside bytes overflowed: the input asked for too much.
        return Error{ErrorCode::LimitExceeded, std::string("allocation size out of range: ") + e.what()};
    } catch (const std::bad_alloc&) {
        // Parsers cap sizes before allocating, so running out of memory means the input (or the
        // model) was larger than this machine can hold rather than malformed.
        return Error{ErrorCode::LimitExceeded, "out of memory"};
    } catch (const nlohmann::json::exception& e) {
        return Error{ErrorCode::Format, std::string("invalid JSON: ") + e.what()};
    } catch (const std::system_error& e) {
        return Error{ErrorCode::Io, e.what()};
    } catch (const std::exception& e) {
        return Error{ErrorCode::Internal, e.what()};
    } catch (...) {
        return Error{ErrorCode::Internal, "unknown exception"};
    }
}

} // namespace weft
