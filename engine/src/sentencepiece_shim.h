#pragma once
// C interface of libweft_sentencepiece, the module that wraps sentencepiece. Debian's
// libsentencepiece bundles protobuf 3.14 and exports its symbols, which clash with the
// protobuf 3.21 that libtorch loads (the process aborts or crashes at start-up when both are
// linked). The engine therefore never links sentencepiece: tokenizer.cpp loads this module
// with RTLD_DEEPBIND so that sentencepiece binds to its own protobuf. Only plain C types cross
// the boundary; variable-sized results come back through a sink callback.

#include <cstddef>

extern "C" {

/// Receives a block of output bytes (ids as int[], text, model bytes or an error message).
typedef void (*WeftSpmSink)(void* context, const void* data, std::size_t size);

/// Trains a model from `count` sentences and `argCount` key/value trainer flags; the
/// serialized model goes to `model`. Returns 0 on success, else writes a message to `error`.
int weft_spm_train(const char* const* sentences, const std::size_t* sizes, std::size_t count,
                   const char* const* keys, const char* const* values, std::size_t argCount,
                   WeftSpmSink model, void* modelContext, WeftSpmSink error, void* errorContext);

/// Loads serialized model bytes; returns a processor or null (message to `error`).
void* weft_spm_load(const char* bytes, std::size_t size, WeftSpmSink error, void* errorContext);

/// Number of pieces of a loaded processor.
int weft_spm_piece_size(const void* processor);

/// Encodes UTF-8 text to ids (sent as one int[] block). Returns 0 on success.
int weft_spm_encode(const void* processor, const char* text, std::size_t size, WeftSpmSink ids, void* idsContext,
                    WeftSpmSink error, void* errorContext);

/// Decodes ids (each in [0, piece size)) to UTF-8 text. Returns 0 on success.
int weft_spm_decode(const void* processor, const int* ids, std::size_t count, WeftSpmSink text, void* textContext,
                    WeftSpmSink error, void* errorContext);

/// Frees a processor from weft_spm_load (null is ignored).
void weft_spm_free(void* processor);

} // extern "C"
