// Fuzzes SafetensorsFile::parse, the reader of model.safetensors and checkpoint files. An
// accepted file must describe contiguous tensors that lie inside the bytes given, and must
// survive a round trip through SafetensorsWriter unchanged.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "fuzz_common.h"
#include "safetensors.h"

using namespace weft;
using fuzz::expect;

namespace {

constexpr const char* kTarget = "fuzz_safetensors";

std::uint64_t headerLength(const std::vector<std::uint8_t>& bytes) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | bytes[static_cast<std::size_t>(i)];
    return v;
}

void checkInvariants(const SafetensorsFile& file, const std::vector<std::uint8_t>& bytes) {
    const std::uint64_t dataStart = 8 + headerLength(bytes);
    std::uint64_t expected = 0;
    for (const TensorView& t : file.tensors()) {
        expect(t.begin == expected, kTarget, "tensor '" + t.name + "' is not contiguous with the previous one");
        expect(t.end >= t.begin && dataStart + t.end <= bytes.size(), kTarget, "tensor '" + t.name + "' lies outside the file");
        std::int64_t numel = 1;
        for (std::int64_t d : t.shape) {
            expect(d >= 0, kTarget, "tensor '" + t.name + "' has a negative dimension");
            expect(!__builtin_mul_overflow(numel, d, &numel), kTarget, "tensor '" + t.name + "' numel overflows");
        }
        expect(t.numel() == numel, kTarget, "numel() disagrees with the shape of '" + t.name + "'");
        expect(static_cast<std::uint64_t>(numel) * dtypeSize(t.dtype) == t.end - t.begin, kTarget,
               "tensor '" + t.name + "' byte size disagrees with its shape");
        // Comparing through data() makes ASan check that the view points into the parsed buffer.
        expect(std::memcmp(file.data(t), bytes.data() + dataStart + t.begin, t.end - t.begin) == 0, kTarget,
               "data() of '" + t.name + "' does not point at its bytes");
        expect(file.find(t.name) == &t, kTarget, "tensor name '" + t.name + "' is not unique");
        expected = t.end;
    }
    expect(dataStart + expected == bytes.size(), kTarget, "tensors do not cover the data section");
}

void checkRoundTrip(const SafetensorsFile& file) {
    SafetensorsWriter writer;
    for (const TensorView& t : file.tensors()) {
        // The writer refuses empty names, which the reader (like the reference) accepts.
        if (t.name.empty()) return;
        writer.add(t.name, t.dtype, t.shape, file.data(t), static_cast<std::size_t>(t.end - t.begin));
    }
    for (const auto& [key, value] : file.metadata()) writer.setMetadata(key, value);
    const SafetensorsFile again = SafetensorsFile::parse(writer.serialize());
    expect(again.metadata() == file.metadata(), kTarget, "metadata changed in a round trip");
    expect(again.tensors().size() == file.tensors().size(), kTarget, "tensor count changed in a round trip");
    for (const TensorView& t : file.tensors()) {
        const TensorView* u = again.find(t.name);
        expect(u && u->dtype == t.dtype && u->shape == t.shape && u->end - u->begin == t.end - t.begin, kTarget,
               "tensor '" + t.name + "' changed in a round trip");
        expect(std::memcmp(again.data(*u), file.data(t), t.end - t.begin) == 0, kTarget,
               "bytes of '" + t.name + "' changed in a round trip");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::uint8_t> bytes(data, data + size);
    std::optional<SafetensorsFile> file;
    if (!fuzz::acceptsOrRefuses(kTarget, {ErrorCode::Format, ErrorCode::LimitExceeded},
                                [&] { file.emplace(SafetensorsFile::parse(bytes)); }))
        return 0;
    checkInvariants(*file, bytes);
    fuzz::acceptsOrRefuses(kTarget, {}, [&] { checkRoundTrip(*file); });
    return 0;
}
