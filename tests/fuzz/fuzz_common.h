#pragma once
// Checks shared by the libFuzzer targets. A parser may accept an input (the target then checks
// the value's invariants) or refuse it with a typed error of a documented category; anything
// else (another category, a foreign exception, a broken invariant) aborts, so that libFuzzer
// reports it as a crash and keeps the input.

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <string>

#include "errors.h"
#include "strict_json.h"

namespace weft::fuzz {

[[noreturn]] inline void fail(const char* target, const std::string& why) {
    std::fprintf(stderr, "%s: %s\n", target, why.c_str());
    std::abort();
}

inline void expect(bool ok, const char* target, const std::string& why) {
    if (!ok) fail(target, why);
}

// A refusal is clean when its category is one the parser documents and it says what was wrong.
inline void expectRefusal(const char* target, ErrorCode code, const std::string& message,
                          std::initializer_list<ErrorCode> allowed) {
    bool known = false;
    for (ErrorCode c : allowed) known = known || c == code;
    expect(known, target, std::string("refused with category ") + errorCodeName(code) + ": " + message);
    expect(!message.empty(), target, std::string("refused with an empty message, category ") + errorCodeName(code));
    // Messages reach the UI and log files, which expect UTF-8.
    expect(isValidUtf8(message), target, "refusal message is not valid UTF-8: " + message);
}

// Runs a parser that throws. Returns true when it accepted the input, false when it refused it
// cleanly; aborts otherwise.
template <class F>
bool acceptsOrRefuses(const char* target, std::initializer_list<ErrorCode> allowed, F&& parse) {
    try {
        parse();
        return true;
    } catch (const EngineError& e) {
        expectRefusal(target, e.code(), e.what(), allowed);
    } catch (const std::exception& e) {
        fail(target, std::string("foreign exception: ") + e.what());
    }
    return false;
}

} // namespace weft::fuzz
